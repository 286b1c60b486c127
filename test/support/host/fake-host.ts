// A strict fake Host for task tests: only the commands it was given run; anything else throws and is reported.
import type { Duplex } from "node:stream";
import { HostError } from "../../../src/errors.js";
import { checkError, commandLine, receiveUpload, WRITE_INCOMPLETE_EXIT, writeError, writeFileStdin } from "../../../src/host/remote-command.js";
import type { Host, RunOptions, RunResult, WriteOptions } from "../../../src/host/host.js";
import { decodeBatch, encodeBatch, type FactOutput } from "../../../src/facts/batch.js";

/** How a fake answers one fact of a batch: its output (exit 0), or the whole outcome, or a function of its arguments. */
export type FactAnswer = string | FactOutput | ((args: string[]) => string | FactOutput);

/** A batch of facts (src/facts/batch.ts): the lock's outcome when the batch takes it, and each fact's answer by name. */
export interface ExpectedBatch {
  /** The batch must take the lock (with this outcome; default 0 = taken), or must not (undefined). */
  lock?: { code?: number; stdout?: string };
  /** Every fact the batch reads must have an answer here. */
  facts: Record<string, FactAnswer>;
}

/**
 * One command the test expects, and what it returns. `argv` is matched exactly, except that `["<label>", ...args]`
 * matches an inline script `sh -c SCRIPT label ...args` (its text is its module's business); `batch` matches a batch
 * of facts and answers it fact by fact.
 */
export interface ExpectedCommand {
  /** Each element must equal the call's, or (a RegExp) match it. */
  argv?: readonly (string | RegExp)[];
  batch?: ExpectedBatch;
  sudo?: boolean;
  /** sudo target user. */
  user?: string;
  /** When given, the call's stdin must equal it. */
  stdin?: string;
  /** When given, the call's env must equal it. */
  env?: Record<string, string>;
  /** Defaults: code 0, empty stdout and stderr. */
  result?: Partial<RunResult>;
  /** Reject with this instead of returning (e.g. a HostError for a timeout). */
  error?: Error;
  /** Called when the command starts (a test's hook into "the command is running"). */
  onStart?: () => void;
  /** Return only once this settles (`new Promise(() => {})`: a command stuck on the host). */
  until?: Promise<unknown>;
}

export interface FakeHostOptions {
  name?: string;
  commands?: ExpectedCommand[];
  /** Must commands come in the given order? Default true; false lets concurrent gathers match any pending one. */
  ordered?: boolean;
  /** Files readFile may read: content, or null for "does not exist". Reading any other path throws. */
  files?: Record<string, string | null>;
  /** Paths whose reads fail with a permission error (unless read with sudo). */
  unreadable?: string[];
  /** Streams forward() hands out, keyed "address:port"; anything else throws. */
  forwards?: Record<string, () => Duplex>;
  /**
   * Uploads cut off on the way (the SSH session killed mid-write): path → how many bytes of the framed upload
   * (writeFileStdin) reach the host. The host-side checks then refuse it as the real write script does.
   */
  cutUploads?: Record<string, number>;
}

/** A call as the fake saw it. */
export interface RecordedCall {
  argv: string[];
  sudo: boolean;
  user?: string;
  stdin?: string;
  env?: Record<string, string>;
}

export interface RecordedWrite extends WriteOptions {
  path: string;
  content: string;
}

function show(c: { argv?: readonly (string | RegExp)[]; batch?: ExpectedBatch; sudo?: boolean; user?: string }): string {
  const what = c.batch ? `batch${c.batch.lock ? " with the lock" : ""} of ${Object.keys(c.batch.facts).join(", ") || "no facts"}` : JSON.stringify(c.argv?.map(String));
  return `${c.sudo ? `[sudo${c.user ? ` -u ${c.user}` : ""}] ` : ""}${what}`;
}

/** A call as tests name it: a batch as `batch`, an inline script `sh -c SCRIPT label ...` as `<label> ...`. */
function label(argv: readonly string[]): string[] {
  if (decodeBatch(argv)) return ["batch"];
  return argv[0] === "sh" && argv[1] === "-c" && argv.length > 3 ? [`<${argv[3]}>`, ...argv.slice(4)] : [...argv];
}

/** Expected argv matches the call; for an inline script (`<label>`), a last element "…" stands for any further arguments. */
function sameArgv(expected: readonly (string | RegExp)[], call: readonly string[]): boolean {
  const same = (a: readonly (string | RegExp)[], b: readonly string[]) => a.length === b.length && a.every((x, i) => (x instanceof RegExp ? x.test(b[i]!) : x === b[i]));
  if (same(expected, call)) return true;
  if (typeof expected[0] !== "string" || !/^<.+>$/.test(expected[0])) return false;
  const got = label(call);
  return expected.at(-1) === ANY_ARGS ? same(expected.slice(0, -1), got.slice(0, expected.length - 1)) : same(expected, got);
}

/** The last element of an expected `<label>` argv that stands for any further arguments. */
export const ANY_ARGS = "…";

function sameBatch(e: ExpectedBatch, argv: readonly string[]): boolean {
  const b = decodeBatch(argv);
  return b !== undefined && (e.lock !== undefined) === (b.lock !== undefined);
}

function sameEnv(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const x = Object.entries(a ?? {}).sort();
  const y = Object.entries(b ?? {}).sort();
  return JSON.stringify(x) === JSON.stringify(y);
}

/** The strict fake: construct with expectations, run the code under test, then call assertDone(). */
export class FakeHost implements Host {
  readonly name: string;
  /** Every run/check call, in order. */
  readonly calls: RecordedCall[] = [];
  /** Every writeFile that installed its file, in order. */
  readonly writes: RecordedWrite[] = [];
  /** Every readFile path, in order. */
  readonly reads: string[] = [];
  /** Problems seen (unexpected commands, reads, forwards), kept even if the code under test swallowed the throw. */
  readonly problems: string[] = [];
  private pending: ExpectedCommand[];
  private readonly ordered: boolean;
  private readonly files: Map<string, string | null>;
  private readonly unreadable: Set<string>;
  private readonly forwards: Record<string, () => Duplex>;
  private readonly cutUploads: Record<string, number>;
  private closed = false;

  constructor(opts: FakeHostOptions = {}) {
    this.name = opts.name ?? "fake";
    this.pending = [...(opts.commands ?? [])];
    this.ordered = opts.ordered ?? true;
    this.files = new Map(Object.entries(opts.files ?? {}));
    this.unreadable = new Set(opts.unreadable ?? []);
    this.forwards = opts.forwards ?? {};
    this.cutUploads = opts.cutUploads ?? {};
  }

  private fail(message: string): never {
    this.problems.push(message);
    // A plain Error, not a HostError: code under test must not mistake it for a host failure it handles.
    throw new Error(`FakeHost(${this.name}): ${message}`);
  }

  private alive(what: string): void {
    if (this.closed) this.fail(`${what} after close()`);
  }

  private matches(e: ExpectedCommand, call: RecordedCall): boolean {
    return (
      (e.batch ? sameBatch(e.batch, call.argv) : sameArgv(e.argv ?? [], call.argv)) &&
      (e.sudo ?? false) === call.sudo &&
      e.user === call.user &&
      (e.stdin === undefined || e.stdin === call.stdin) &&
      (e.env === undefined || sameEnv(e.env, call.env))
    );
  }

  /** Match a call against the expectations, or throw listing what was expected. */
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    this.alive(`run ${JSON.stringify(argv)}`);
    commandLine(argv, opts, "fake-login"); // same argument validation (and NUL refusal) as the real host
    const call: RecordedCall = { argv: [...argv], sudo: opts.sudo ?? false, user: opts.user, stdin: opts.stdin, env: opts.env };
    this.calls.push(call);
    const idx = this.ordered ? (this.pending[0] && this.matches(this.pending[0], call) ? 0 : -1) : this.pending.findIndex((e) => this.matches(e, call));
    if (idx < 0) {
      const next = this.ordered && this.pending[0] ? `\n  expected next: ${show(this.pending[0])}` : "";
      const rest = this.pending.length ? this.pending.map((e) => `\n    ${show(e)}`).join("") : " (none)";
      this.fail(`unexpected command ${show({ ...call, argv: label(call.argv) })}${opts.stdin !== undefined ? " (with stdin)" : ""}${next}\n  still expected:${rest}`);
    }
    const [e] = this.pending.splice(idx, 1);
    if (e!.error) throw e!.error;
    e!.onStart?.();
    if (e!.until) await e!.until;
    if (e!.batch) return this.answer(e!.batch, argv);
    return { code: 0, stdout: "", stderr: "", ...e!.result };
  }

  /** Answer a batch fact by fact; a fact without an answer is a problem (strict). */
  private answer(e: ExpectedBatch, argv: readonly string[]): RunResult {
    const b = decodeBatch(argv)!;
    const lock = e.lock ? { code: e.lock.code ?? 0, stdout: e.lock.stdout ?? "" } : undefined;
    if (lock && lock.code !== 0 && lock.code !== 5) return { code: lock.code, stdout: encodeBatch(b.tag, lock, []), stderr: "" };
    const outputs = b.facts.map((f) => {
      const a = e.facts[f.name];
      if (a === undefined) this.fail(`batch reads fact ${f.name} ${JSON.stringify(f.args)}, which the test gives no answer for; answers: ${Object.keys(e.facts).join(", ") || "(none)"}`);
      const got = typeof a === "function" ? a(f.args) : a;
      return typeof got === "string" ? { code: 0, stdout: got, stderr: "" } : got;
    });
    return { code: 0, stdout: encodeBatch(b.tag, lock, outputs), stderr: "" };
  }

  /** Like run; a non-zero exit becomes a HostError, as on the real host. */
  async check(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const r = await this.run(argv, opts);
    if (r.code !== 0) throw checkError(argv, r.code, r.stderr, this.name);
    return r;
  }

  /** Serve a configured file (null = missing); unknown paths throw. */
  async readFile(path: string, opts: { sudo?: boolean } = {}): Promise<string | null> {
    this.alive(`readFile ${path}`);
    this.reads.push(path);
    if (this.unreadable.has(path) && !opts.sudo) throw new HostError(`permission denied reading ${path}`, { where: this.name, fix: "read it with sudo" });
    if (!this.files.has(path)) this.fail(`unexpected readFile ${path}; configured files: ${[...this.files.keys()].join(", ") || "(none)"}`);
    return this.files.get(path) ?? null;
  }

  /** Send the framed upload through the write script's checks; record it, and later reads see it, only when complete. */
  async writeFile(path: string, content: string, opts: WriteOptions): Promise<void> {
    this.alive(`writeFile ${path}`);
    if (!path.startsWith("/")) this.fail(`writeFile with a relative path ${path}`);
    const framed = Buffer.from(writeFileStdin(content));
    const cut = this.cutUploads[path];
    const received = receiveUpload(cut === undefined ? framed : framed.subarray(0, cut));
    if ("problem" in received)
      throw writeError(path, opts, WRITE_INCOMPLETE_EXIT, `provision-write: ${received.problem}; nothing was installed, ${path} is untouched\n`, this.name);
    this.writes.push({ path, content: received.content, ...opts });
    this.files.set(path, received.content);
  }

  /** Hand out a configured stream; anything else throws. */
  async forward(address: string, port: number): Promise<Duplex> {
    this.alive(`forward ${address}:${port}`);
    const make = this.forwards[`${address}:${port}`];
    if (!make) this.fail(`unexpected forward to ${address}:${port}; configured: ${Object.keys(this.forwards).join(", ") || "(none)"}`);
    return make();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Throw when an expected command never ran or something unexpected happened. */
  assertDone(): void {
    const msgs = [...this.problems];
    if (this.pending.length) msgs.push(`expected commands never ran:${this.pending.map((e) => `\n    ${show(e)}`).join("")}`);
    if (msgs.length) throw new Error(`FakeHost(${this.name}):\n${msgs.join("\n")}`);
  }
}
