// The one real Host: a single node-ssh (ssh2) connection per host (through its jump hosts), host keys checked for every hop.
import { HostError } from "../errors.js";
import type { Inventory } from "../inventory-types.js";
import { checkError, commandLabel, commandLine, lastLines, sudoRefusal, TIMEOUT_EXIT_CODES, writeError, writeFileArgv, writeFileStdin } from "./remote-command.js";
import type { Host, RunOptions, RunResult, WriteOptions } from "./host.js";
import type { Duplex } from "node:stream";
import { expandHome, readKnownHosts } from "./known-hosts.js";
import { openConnection, type Client, type Hop, type HopContext } from "./ssh-connect.js";
import { execCommand, timedOutError } from "./ssh-exec.js";
import { forwardOut } from "./ssh-forward.js";

type SshSettings = Inventory["ssh"];

export interface ConnectOptions {
  /** Record an unknown host key and go on (OpenSSH StrictHostKeyChecking=accept-new). Changed keys are still refused. */
  acceptNewHostKey?: boolean;
  /** Where notices go (e.g. "Permanently added … to the list of known hosts"); default: stderr. */
  notice?: (message: string) => void;
}

/** At most this many channels at once on the one connection (sshd's MaxSessions defaults to 10). */
const MAX_CHANNELS = 8;

/**
 * Open the SSH connection for one inventory host. With jump hosts (SSH_PROXY_JUMP / ProxyJump), as `ssh -J` does:
 * connect to the first, have it forward a TCP stream to the next, and run the next SSH connection over that stream.
 * Every hop's host key is verified against known_hosts under its own name and port, before authentication.
 */
export async function connectSsh(name: string, ssh: SshSettings, opts: ConnectOptions = {}): Promise<Host> {
  const knownHostsFile = expandHome(ssh.knownHosts);
  let entries;
  try {
    entries = await readKnownHosts(knownHostsFile);
  } catch (e) {
    throw new HostError(`cannot read known_hosts file ${knownHostsFile}`, { where: name, lines: [String((e as Error).message)], fix: "make the SSH_KNOWN_HOSTS file readable, or point it elsewhere" });
  }
  const ctx: HopContext = {
    name,
    knownHostsFile,
    entries,
    connectTimeoutMs: ssh.connectTimeoutMs,
    acceptNewHostKey: opts.acceptNewHostKey,
    notice: opts.notice ?? ((m: string) => process.stderr.write(m + "\n")),
  };
  const jumps: Client[] = [];
  const target: Hop = { host: ssh.host, port: ssh.port, user: ssh.user, key: ssh.key };
  try {
    let sock: Duplex | undefined;
    for (const [i, hop] of (ssh.jump ?? []).entries()) {
      const client = await openConnection(hop, ctx, { sock, jump: true });
      client.on("error", () => undefined); // reported through the target connection it carries
      jumps.push(client);
      const next = ssh.jump?.[i + 1] ?? target;
      sock = await forwardOut(client, next.host, next.port, {
        name,
        server: `the jump host ${hop.host}:${hop.port}`,
        user: hop.user,
        lost: (what) => new HostError(`SSH connection to the jump host ${hop.host}:${hop.port} lost during ${what}`, { where: name, fix: "check the jump host and the network, then re-run" }),
      });
    }
    const client = await openConnection(target, ctx, { sock });
    return new SshHost(name, ssh, client, jumps);
  } catch (e) {
    for (const j of jumps.reverse()) j.end();
    throw e;
  }
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
    /** Jump hosts carrying the connection, nearest first; closed after it. */
    private readonly jumps: Client[] = [],
  ) {
    // After connect, node-ssh no longer listens for errors; an unhandled 'error' would crash the process.
    client.on("error", (e: Error) => {
      this.lostReason = e.message;
    });
    client.on("close", () => {
      this.closed = true;
    });
    for (const j of jumps) j.on("error", (e: Error) => (this.lostReason ??= `jump host: ${e.message}`));
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
      const target = { client: this.client, name: this.name, isClosed: () => this.closed, lost: (what: string) => this.lost(what) };
      const r = await execCommand(target, cmd, { stdin: opts.stdin, timeoutMs, shown, onOutput: opts.onOutput });
      if (TIMEOUT_EXIT_CODES.includes(r.code) && Date.now() - started >= timeoutMs) throw timedOutError(this.name, shown, timeoutMs, r.stderr);
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
    return forwardOut(this.client, address, port, { name: this.name, server: "the host", user: this.ssh.user, lost: (what) => this.lost(what) });
  }

  /** Close the connection (idempotent). */
  async close(): Promise<void> {
    this.closedByUs = true;
    await this.closeTarget();
    for (const j of [...this.jumps].reverse()) j.end();
  }

  private closeTarget(): Promise<void> {
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
