// Running one command on an open SSH connection: a session channel, stdin, output (streamed when asked), timeouts.
import { StringDecoder } from "node:string_decoder";
import { HostError } from "../errors.js";
import type { RunOptions, RunResult } from "./host.js";
import { lastLines } from "./remote-command.js";
import type { Client, ExecChannel } from "./ssh-connect.js";

/** The connection a command runs on, and how its loss is reported. */
export interface ExecTarget {
  client: Client;
  /** Inventory name (errors say where). */
  name: string;
  isClosed(): boolean;
  lost(what: string): HostError;
}

export interface ExecOptions {
  stdin?: string;
  timeoutMs: number;
  /** The command as errors name it. */
  shown: string;
  onOutput?: RunOptions["onOutput"];
}

/** The host-side `timeout -k 5` gets this long to report before the client gives up on the channel. */
const CLIENT_TIMEOUT_GRACE_MS = 8000;

/** The error for a command stopped by its timeout. */
export function timedOutError(name: string, shown: string, timeoutMs: number, stderr: string): HostError {
  return new HostError(`\`${shown}\` timed out after ${fmtMs(timeoutMs)} and was stopped`, {
    where: name,
    lines: lastLines(stderr, 10),
    fix: "check why it hangs on the host; raise SSH_COMMAND_TIMEOUT if it is just slow",
  });
}

/** Open a session channel, retrying briefly when sshd still counts just-closed sessions (MaxSessions). */
function openExec(t: ExecTarget, cmd: string, shown: string, cb: (channel: ExecChannel) => void, fail: (e: HostError) => void, attempt = 0): void {
  try {
    t.client.exec(cmd, (err, channel) => {
      if (!err) return cb(channel);
      if (t.isClosed()) return fail(t.lost(`\`${shown}\``));
      if (attempt < 20) {
        setTimeout(() => openExec(t, cmd, shown, cb, fail, attempt + 1), 25 * (attempt + 1));
        return;
      }
      fail(new HostError(`cannot start \`${shown}\``, { where: t.name, lines: [err.message], fix: "check MaxSessions in the host's sshd_config" }));
    });
  } catch {
    fail(t.lost(`\`${shown}\``));
  }
}

/** Run `cmd` (already quoted) and collect its exit status and output; `onOutput` sees the output as it comes. */
export function execCommand(t: ExecTarget, cmd: string, o: ExecOptions): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      f();
    };
    let timer: NodeJS.Timeout | undefined;
    openExec(t, cmd, o.shown, (channel) => {
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let code: number | null | undefined;
      let signal: string | undefined;
      // Decoders keep a character split across two packets whole for onOutput.
      const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
      const stream = (which: "stdout" | "stderr", d: Buffer) => {
        if (!o.onOutput) return;
        const text = decoders[which].write(d);
        if (text) o.onOutput(text, which);
      };
      channel.on("data", (d: Buffer) => {
        out.push(d);
        stream("stdout", d);
      });
      channel.stderr.on("data", (d: Buffer) => {
        errOut.push(d);
        stream("stderr", d);
      });
      channel.on("exit", (c: number | null, s?: string) => {
        code = c;
        signal = s;
      });
      channel.on("error", () => {
        /* reported through close */
      });
      channel.on("close", () => {
        for (const which of ["stdout", "stderr"] as const) {
          const rest = o.onOutput && !settled ? decoders[which].end() : "";
          if (rest) o.onOutput?.(rest, which);
        }
        done(() => {
          const stdout = Buffer.concat(out).toString("utf8");
          const stderr = Buffer.concat(errOut).toString("utf8");
          if (code === undefined) {
            reject(t.isClosed() ? t.lost(`\`${o.shown}\``) : new HostError(`\`${o.shown}\` ended without an exit status`, { where: t.name, lines: lastLines(stderr) }));
            return;
          }
          resolve({ code: code ?? (signal ? 128 + signalNumber(signal) : 255), stdout, stderr });
        });
      });
      // Backstop when the host-side `timeout` could not act (wedged host, missing coreutils):
      // ask sshd to SIGKILL the session's process group, then drop the channel.
      timer = setTimeout(() => {
        done(() => {
          killSession(channel);
          channel.close();
          reject(timedOutError(t.name, o.shown, o.timeoutMs, Buffer.concat(errOut).toString("utf8")));
        });
      }, o.timeoutMs + CLIENT_TIMEOUT_GRACE_MS);
      if (o.stdin !== undefined) channel.end(o.stdin);
      else channel.end();
    }, (e) => done(() => reject(e)));
  });
}

/**
 * Send an SSH "signal" request for a session. ssh2's Channel.signal() refuses once stdin was closed
 * (which we always do), so this goes to the protocol object directly; best effort.
 */
function killSession(channel: ExecChannel): void {
  const c = channel as unknown as { outgoing?: { id?: number; state?: string }; _client?: { _protocol?: { signal?(id: number, sig: string): void } } };
  try {
    if (c.outgoing?.state === "open" && c.outgoing.id !== undefined) c._client?._protocol?.signal?.(c.outgoing.id, "KILL");
  } catch {
    /* the channel may already be gone */
  }
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };
function signalNumber(s: string): number {
  return SIGNALS[s] ?? 0;
}

function fmtMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
