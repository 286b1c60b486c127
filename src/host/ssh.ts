// The one real Host: a single node-ssh (ssh2) connection per host, host keys checked against known_hosts.
import { access } from "node:fs/promises";
import type { Duplex } from "node:stream";
import { NodeSSH } from "node-ssh";
import { HostError, UsageError } from "../errors.js";
import type { Inventory } from "../inventory-types.js";
import { checkError, commandLabel, commandLine, lastLines, sudoRefusal, TIMEOUT_EXIT_CODES, writeError, writeFileArgv, writeFileStdin } from "./remote-command.js";
import type { Host, RunOptions, RunResult, WriteOptions } from "./host.js";
import { connectError, hostKeyError } from "./ssh-errors.js";
import {
  appendHostKey,
  checkHostKey,
  entryMatchesHost,
  expandHome,
  fingerprint,
  hostKeyName,
  keyTypeLabel,
  keyTypeOfBlob,
  readKnownHosts,
  type HostKeyCheck,
} from "./known-hosts.js";

type SshSettings = Inventory["ssh"];

// node-ssh's typings re-export ssh2's, whose @types package is not installed: the little we use, typed here.
interface ExecChannel extends Duplex {
  stderr: NodeJS.ReadableStream;
  signal(name: string): void;
  close(): void;
}
interface Client {
  on(event: "error", f: (e: Error) => void): this;
  on(event: "close", f: () => void): this;
  once(event: "close", f: () => void): this;
  exec(cmd: string, cb: (err: Error | undefined, channel: ExecChannel) => void): this;
  forwardOut(srcIP: string, srcPort: number, dstIP: string, dstPort: number, cb: (err: Error | undefined, channel: Duplex) => void): this;
  end(): this;
  destroy(): this;
}

export interface ConnectOptions {
  /** Record an unknown host key and go on (OpenSSH StrictHostKeyChecking=accept-new). Changed keys are still refused. */
  acceptNewHostKey?: boolean;
  /** Where notices go (e.g. "Permanently added … to the list of known hosts"); default: stderr. */
  notice?: (message: string) => void;
}

/** Host key algorithms, OpenSSH-like order; `ssh-rsa` (SHA-1 signatures) is left out as OpenSSH ≥ 8.8 does. */
const HOST_KEY_ALGOS = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256"];

/** Ask first for the key types already on record for this host, so an honest server presents a known key. */
function hostKeyAlgorithms(knownTypes: string[]): string[] {
  const preferred = HOST_KEY_ALGOS.filter((a) =>
    knownTypes.some((t) => t === a || (t === "ssh-rsa" && a.startsWith("rsa-sha2-"))),
  );
  return [...preferred, ...HOST_KEY_ALGOS.filter((a) => !preferred.includes(a))];
}

/** At most this many channels at once on the one connection (sshd's MaxSessions defaults to 10). */
const MAX_CHANNELS = 8;

/** Open the SSH connection for one inventory host; the host key is verified before authentication. */
export async function connectSsh(name: string, ssh: SshSettings, opts: ConnectOptions = {}): Promise<Host> {
  const knownHostsFile = expandHome(ssh.knownHosts);
  let entries;
  try {
    entries = await readKnownHosts(knownHostsFile);
  } catch (e) {
    throw new HostError(`cannot read known_hosts file ${knownHostsFile}`, { where: name, lines: [String((e as Error).message)], fix: "make the SSH_KNOWN_HOSTS file readable, or point it elsewhere" });
  }

  const auth: { privateKeyPath?: string; agent?: string } = {};
  if (ssh.key) {
    const keyPath = expandHome(ssh.key);
    try {
      await access(keyPath);
    } catch {
      throw new UsageError(`SSH key ${keyPath} does not exist or is not readable`, { where: name, fix: "set SSH_KEY to a readable private key file, or leave it empty to use the SSH agent" });
    }
    auth.privateKeyPath = keyPath;
  } else if (process.env.SSH_AUTH_SOCK) {
    auth.agent = process.env.SSH_AUTH_SOCK;
  } else {
    throw new UsageError("no SSH key and no SSH agent", { where: name, fix: "set SSH_KEY in the inventory to a private key file, or start ssh-agent and add your key (SSH_AUTH_SOCK)" });
  }

  const knownTypes = [...new Set(entries.filter((e) => !e.marker && entryMatchesHost(e, ssh.host, ssh.port)).map((e) => e.keyType))];
  // The verdict from the host key check; when set, the connection failure is explained by it.
  let refused: HostError | undefined;
  const notice = opts.notice ?? ((m: string) => process.stderr.write(m + "\n"));

  // ssh2 calls the verifier again on every re-key; the key verified (or recorded) once stays trusted.
  let trusted: Buffer | undefined;
  const hostVerifier = (blob: Buffer, verify: (ok: boolean) => void): void => {
    if (trusted?.equals(blob)) return verify(true);
    let keyType: string;
    try {
      keyType = keyTypeOfBlob(blob);
    } catch (e) {
      refused = new HostError(`the SSH server sent an unreadable host key`, { where: name, lines: [(e as Error).message] });
      verify(false);
      return;
    }
    const keyB64 = blob.toString("base64");
    const verdict: HostKeyCheck = checkHostKey(entries, ssh.host, ssh.port, keyType, keyB64);
    if (verdict === "match") {
      trusted = Buffer.from(blob);
      return verify(true);
    }
    if (verdict === "unknown" && opts.acceptNewHostKey) {
      appendHostKey(knownHostsFile, ssh.host, ssh.port, keyType, keyB64).then(
        () => {
          trusted = Buffer.from(blob);
          notice(`Warning: Permanently added '${hostKeyName(ssh.host, ssh.port)}' (${keyTypeLabel(keyType)}) to the list of known hosts (${knownHostsFile}).`);
          verify(true);
        },
        (e: Error) => {
          refused = new HostError(`cannot record the host key in ${knownHostsFile}`, { where: name, lines: [e.message], fix: "make the known_hosts file and its directory writable" });
          verify(false);
        },
      );
      return;
    }
    refused = hostKeyError(verdict, { name, host: ssh.host, port: ssh.port, keyType, fingerprint: fingerprint(blob), file: knownHostsFile });
    verify(false);
  };

  const node = new NodeSSH();
  try {
    await node.connect({
      host: ssh.host,
      port: ssh.port,
      username: ssh.user,
      ...auth,
      readyTimeout: ssh.connectTimeoutMs,
      hostVerifier: hostVerifier as never,
      algorithms: { serverHostKey: hostKeyAlgorithms(knownTypes) as never },
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      tryKeyboard: false,
    });
  } catch (e) {
    node.dispose();
    throw refused ?? connectError(e, { name, host: ssh.host, port: ssh.port, user: ssh.user, auth: auth.agent ? "agent" : `key ${auth.privateKeyPath}` });
  }
  const client = node.connection as Client | null;
  if (!client) throw new HostError("SSH connection closed right after it opened", { where: name });
  return new SshHost(name, ssh, client);
}

/** A Host over one established ssh2 connection. */
class SshHost implements Host {
  private closed = false;
  private closedByUs = false;
  private lostReason?: string;
  private active = 0;
  private waiting: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly ssh: SshSettings,
    private readonly client: Client,
  ) {
    // After connect, node-ssh no longer listens for errors; an unhandled 'error' would crash the process.
    client.on("error", (e: Error) => {
      this.lostReason = e.message;
    });
    client.on("close", () => {
      this.closed = true;
    });
  }

  private lost(what: string): HostError {
    if (this.closedByUs) return new HostError(`${what} after close(): the SSH connection is closed`, { where: this.name });
    return new HostError(`SSH connection to ${this.ssh.host}:${this.ssh.port} lost during ${what}`, {
      where: this.name,
      lines: this.lostReason ? [this.lostReason] : [],
      fix: "check the host and the network, then re-run",
    });
  }

  private async slot(): Promise<() => void> {
    if (this.active >= MAX_CHANNELS) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    return () => {
      this.active--;
      this.waiting.shift()?.();
    };
  }

  /** Run one argv (quoted once, here). */
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const timeoutMs = opts.timeoutMs ?? this.ssh.commandTimeoutMs;
    const cmd = commandLine(argv, { ...opts, timeoutMs }, this.ssh.user);
    // The command as errors name it (never secrets: callers put those on stdin); an inline script by its label.
    const shown = commandLabel(argv);
    if (this.closed) throw this.lost(`\`${shown}\``);
    const release = await this.slot();
    try {
      const started = Date.now();
      const r = await this.exec(cmd, opts.stdin, timeoutMs, shown);
      if (TIMEOUT_EXIT_CODES.includes(r.code) && Date.now() - started >= timeoutMs) throw this.timedOut(shown, timeoutMs, r.stderr);
      if (opts.sudo) {
        const refusal = r.code !== 0 ? sudoRefusal(r.stderr, this.name, this.ssh.user, shown) : null;
        if (refusal) throw refusal;
        if (r.code === 127 && /sudo: (command )?not found/.test(r.stderr)) {
          throw new HostError(`sudo is not installed, so \`${shown}\` could not run`, { where: this.name, lines: lastLines(r.stderr, 3), fix: "install sudo on the host (pacman -S sudo) and give the login user passwordless sudo" });
        }
      }
      return r;
    } finally {
      release();
    }
  }

  private timedOut(shown: string, timeoutMs: number, stderr: string): HostError {
    return new HostError(`\`${shown}\` timed out after ${fmtMs(timeoutMs)} and was stopped`, {
      where: this.name,
      lines: lastLines(stderr, 10),
      fix: "check why it hangs on the host; raise SSH_COMMAND_TIMEOUT if it is just slow",
    });
  }

  /** Open a session channel, retrying briefly when sshd still counts just-closed sessions (MaxSessions). */
  private openExec(cmd: string, shown: string, cb: (channel: ExecChannel) => void, fail: (e: HostError) => void, attempt = 0): void {
    try {
      this.client.exec(cmd, (err, channel) => {
        if (!err) return cb(channel);
        if (this.closed) return fail(this.lost(`\`${shown}\``));
        if (attempt < 20) {
          setTimeout(() => this.openExec(cmd, shown, cb, fail, attempt + 1), 25 * (attempt + 1));
          return;
        }
        fail(new HostError(`cannot start \`${shown}\``, { where: this.name, lines: [err.message], fix: "check MaxSessions in the host's sshd_config" }));
      });
    } catch {
      fail(this.lost(`\`${shown}\``));
    }
  }

  private exec(cmd: string, stdin: string | undefined, timeoutMs: number, shown: string): Promise<RunResult> {
    return new Promise<RunResult>((resolve, reject) => {
      let settled = false;
      const done = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        f();
      };
      let timer: NodeJS.Timeout | undefined;
      this.openExec(cmd, shown, (channel) => {
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let code: number | null | undefined;
        let signal: string | undefined;
        channel.on("data", (d: Buffer) => out.push(d));
        channel.stderr.on("data", (d: Buffer) => errOut.push(d));
        channel.on("exit", (c: number | null, s?: string) => {
          code = c;
          signal = s;
        });
        channel.on("error", () => {
          /* reported through close */
        });
        channel.on("close", () => {
          done(() => {
            const stdout = Buffer.concat(out).toString("utf8");
            const stderr = Buffer.concat(errOut).toString("utf8");
            if (code === undefined) {
              reject(this.closed ? this.lost(`\`${shown}\``) : new HostError(`\`${shown}\` ended without an exit status`, { where: this.name, lines: lastLines(stderr) }));
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
            reject(this.timedOut(shown, timeoutMs, Buffer.concat(errOut).toString("utf8")));
          });
        }, timeoutMs + CLIENT_TIMEOUT_GRACE_MS);
        if (stdin !== undefined) channel.end(stdin);
        else channel.end();
      }, (e) => done(() => reject(e)));
    });
  }

  /** Like run, but a non-zero exit is a HostError with the last stderr lines. */
  async check(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const r = await this.run(argv, opts);
    // argv never carries secrets (they go through stdin), so it is safe to name the command; stdout is never quoted.
    if (r.code !== 0) throw checkError(argv, r.code, r.stderr, this.name);
    return r;
  }

  /** Read a file in one round trip; null when missing, a HostError when unreadable. */
  async readFile(path: string, opts: { sudo?: boolean } = {}): Promise<string | null> {
    const r = await this.run(["cat", "--", path], { sudo: opts.sudo, env: { LC_ALL: "C" } });
    if (r.code === 0) return r.stdout;
    if (/: No such file or directory$/m.test(r.stderr)) return null;
    const denied = /: Permission denied$/m.test(r.stderr);
    throw new HostError(denied ? `permission denied reading ${path}` : `cannot read ${path}`, {
      where: this.name,
      lines: lastLines(r.stderr, 5),
      fix: denied && !opts.sudo ? "read it with sudo" : undefined,
    });
  }

  /**
   * Write a file atomically as root; the content travels on stdin (never in argv) after a header with its length
   * and SHA-256, which the host checks before installing it: a cut-off upload is never installed.
   */
  async writeFile(path: string, content: string, opts: WriteOptions): Promise<void> {
    const r = await this.run(writeFileArgv(path, opts), { sudo: true, stdin: writeFileStdin(content) });
    if (r.code !== 0) throw writeError(path, opts, r.code, r.stderr, this.name);
  }

  /** A TCP stream from the host to address:port over a direct-tcpip channel. */
  forward(address: string, port: number): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      try {
        this.client.forwardOut("127.0.0.1", 0, address, port, (err, channel) => {
          if (!err) return resolve(channel);
          const reason = (err as Error & { reason?: number }).reason;
          if (reason === 1) {
            reject(new HostError(`the SSH server refused to forward to ${address}:${port}`, {
              where: this.name,
              lines: [err.message],
              fix: `allow TCP forwarding for ${this.ssh.user} in sshd_config (AllowTcpForwarding yes or local; PermitOpen must allow ${address}:${port})`,
            }));
          } else if (reason === 2) {
            reject(new HostError(`nothing accepts connections at ${address}:${port} on the host`, {
              where: this.name,
              lines: [err.message],
              fix: `check that the service listening on ${address}:${port} is running (and bound to that address)`,
            }));
          } else {
            reject(new HostError(`cannot open a tunnel to ${address}:${port}`, { where: this.name, lines: [err.message] }));
          }
        });
      } catch {
        reject(this.lost(`forward to ${address}:${port}`));
      }
    });
  }

  /** Close the connection (idempotent). */
  close(): Promise<void> {
    this.closedByUs = true;
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, 2000);
      this.client.once("close", () => {
        clearTimeout(t);
        resolve();
      });
      this.client.end();
    });
  }
}

/** The host-side `timeout -k 5` gets this long to report before the client gives up on the channel. */
const CLIENT_TIMEOUT_GRACE_MS = 8000;

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
