// One error format: what failed, where, the useful lines, the fix. Only src/cli.ts maps these to exit codes.

/** Exit codes, documented in the README (128 + the signal's number for the two that stop a run). */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, INTERNAL: 70, INTERRUPTED: 130, TERMINATED: 143 } as const;

/** What each exit code means: the one source of the README's table and of `provision --help` (a test keeps them equal). */
export const EXIT_MEANINGS: Record<(typeof EXIT)[keyof typeof EXIT], string> = {
  [EXIT.OK]: "every host succeeded (and every verification check passed)",
  [EXIT.FAILED]:
    "a host failed: a task, a refused host key, an unreachable host, or a verification check; the other hosts still finished, and the summary says which task failed and why",
  [EXIT.USAGE]:
    "bad input: unknown command, flag or task name, no host, a missing or invalid inventory (every problem listed, a bad SSH config line or `SSH_PROXY_JUMP` included), a deployment the inventory gets wrong (a videobridge host whose `JITSI_DOMAIN` names no main host, two main hosts of one domain, two hosts of a deployment with one `JVB_NICKNAME`, a bridge's `JWT_APP_SECRET` other than its main host's), a `--host` name that is both a host and a group, `token` or `verify` against a videobridge host, a --report directory that does not exist, an SSH key file (`SSH_KEY`, `IdentityFile`) that is missing, unreadable or a public key, or no key and no agent; checked before connecting, so no host was touched",
  [EXIT.INTERNAL]: "an internal error (a bug: please report it with the output)",
  [EXIT.INTERRUPTED]:
    "interrupted (Ctrl-C, SIGINT): each host stops before its next step (a step in flight gets a few seconds), every host lock this run holds is released (best effort, within about 5 s), then provision exits; files are old or new, never partial. A second Ctrl-C exits at once (a lock left behind is taken over as stale by the next run)",
  [EXIT.TERMINATED]: "terminated (SIGTERM): the same as 130",
};

export interface ErrorDetail {
  /** Where it happened: a host name, a file, a task. */
  where?: string;
  /** Useful lines (command output, validation problems), already free of secrets. */
  lines?: string[];
  /** What the operator can do about it. */
  fix?: string;
}

/** Base class: a failure we understand and can explain. */
export class ProvisionError extends Error {
  readonly where?: string;
  readonly lines: string[];
  readonly fix?: string;
  readonly exitCode: number = EXIT.FAILED;
  constructor(message: string, detail: ErrorDetail = {}) {
    super(message);
    this.name = new.target.name;
    this.where = detail.where;
    this.lines = detail.lines ?? [];
    this.fix = detail.fix;
  }
  /** The one rendering used everywhere: message, where, up to 20 lines, fix. */
  format(): string {
    const out = [this.where ? `${this.where}: ${this.message}` : this.message];
    const lines = this.lines.length > 20 ? [...this.lines.slice(0, 19), `… ${this.lines.length - 19} more lines`] : this.lines;
    for (const l of lines) out.push(`  ${l}`);
    if (this.fix) out.push(`Fix: ${this.fix}`);
    return out.join("\n");
  }
}

/** Bad input from the operator (flags, inventory): exit 2, nothing touched. */
export class UsageError extends ProvisionError {
  override readonly exitCode: number = EXIT.USAGE;
}

/** Something on a host went wrong (connection, command, validation): exit 1 for that host. */
export class HostError extends ProvisionError {}

/** The run was stopped by SIGINT (Ctrl-C) or SIGTERM: exit 130 or 143, after the host locks are released. */
export class InterruptedError extends ProvisionError {
  override readonly exitCode: number;
  constructor(readonly signal: "SIGINT" | "SIGTERM") {
    super(`interrupted (${signal})`);
    this.exitCode = signal === "SIGINT" ? EXIT.INTERRUPTED : EXIT.TERMINATED;
  }
}

/**
 * What a task needs is missing because an earlier planned change has not been applied yet: a file or account that
 * the named packages (installed by the bootstrap task) bring. With --check, a task failing with this is reported as
 * skipped when an earlier task of the run plans to install every one of `packages`; in every other case it fails
 * like any HostError.
 */
export class PendingChangeError extends HostError {
  constructor(
    message: string,
    readonly packages: readonly string[],
    detail: ErrorDetail = {},
  ) {
    super(message, detail);
  }
}
