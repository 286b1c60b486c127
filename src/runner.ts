// Run the ordered tasks on each host through listr2: connect once, lock + facts in one command, plan → apply, report.
import { randomBytes } from "node:crypto";
import { Listr, type ListrTaskWrapper, type ListrDefaultRenderer, type ListrSimpleRenderer } from "listr2";
import { InterruptedError, PendingChangeError } from "./errors.js";
import type { Host } from "./host/host.js";
import { counting, type WireCounts } from "./host/counting.js";
import { withVerbose } from "./host/verbose.js";
import type { Inventory } from "./inventory-types.js";
import { acquireLock } from "./lock.js";
import { maskSecrets } from "./render/diff.js";
import { formatDuration } from "./duration.js";
import { errorText } from "./output/error-text.js";
import { stepTitle, withWaiting } from "./output/progress.js";
import type { LogSink } from "./output/sink.js";
import { RunFacts, runTask, type TaskRun } from "./run-task.js";
import { FleetGates, Slots } from "./fleet-run.js";
import { rolesOf } from "../tasks/catalog.js";
import { newRunState, type Task, type TaskContext } from "./task.js";

export type TaskStatus = "changed" | "unchanged" | "skipped" | "failed";

export interface TaskReport {
  name: string;
  status: TaskStatus;
  detail: string;
  /** One line per change (planned with --check). */
  changes: string[];
  /** How long the task took (facts read again after an earlier change, plan, apply). */
  durationMs?: number;
  /** Remote commands the task ran (file writes included; the run's first command, lock and facts, is the host's). */
  commands?: number;
}

export interface HostReport {
  host: string;
  ok: boolean;
  changes: number;
  restarts: string[];
  tasks: TaskReport[];
  /** Filled by a verify proof. */
  verification?: unknown;
  error?: string;
  /** Things the operator should know that are not failures (a stale lock taken over). */
  notices?: string[];
  /** From connecting to closing the connection. */
  durationMs?: number;
  /** Remote commands on this host (file writes included), and channels forwarded (verification). */
  commands?: number;
  forwards?: number;
}

export interface RunOptions {
  check: boolean;
  diff: boolean;
  only?: string[];
  skip?: string[];
  parallel: number;
  lockTimeoutMs: number;
  /** Where --diff output goes (default stdout). */
  write?: (text: string) => void;
  /** listr2 renderer: default on a TTY, simple otherwise; silent for tests and when `log` prints the progress. */
  renderer?: "default" | "simple" | "silent";
  /** Also receives every progress line of every host, masked (the CLI's plain output prefixes each with its host). */
  log?: LogSink;
  /** --public: verify through the public URL instead of the SSH tunnel. */
  public?: boolean;
  /** -v: every remote command's output, line by line as it comes, in the progress log (src/host/verbose.ts). */
  verbose?: boolean;
  /** Per host (inventory name): the only tasks to run there (a main host in the run only for its `bridges` check). */
  onlyFor?: Record<string, string[]>;
  /** Where plans get fresh secrets (tests inject their own). */
  random?: () => string;
  /**
   * Aborted on Ctrl-C / SIGTERM (src/interrupt.ts): each host stops before its next step (a step in flight runs to
   * its end or its timeout), releases its lock and closes its connection; its report says it was interrupted.
   */
  signal?: AbortSignal;
}

export type Connector = (inv: Inventory) => Promise<Host>;

/**
 * Run `tasks` on every inventory in parallel (at most opts.parallel at work at once); never throws for a host's
 * failure. Each host runs the tasks of its role; a deployment's videobridge hosts start once its main host's tasks
 * are done, and the main host's `bridges` proof waits for them (src/fleet-run.ts).
 */
export async function runHosts(invs: Inventory[], tasks: Task[], connect: Connector, opts: RunOptions): Promise<HostReport[]> {
  const reports = invs.map((inv): HostReport => ({ host: inv.name, ok: true, changes: 0, restarts: [], tasks: [] }));
  const slots = new Slots(opts.parallel);
  const fleet = new FleetGates(invs, slots);
  const write = opts.write ?? ((t: string) => process.stdout.write(t));
  const renderer = opts.renderer ?? (process.stdout.isTTY ? "default" : "simple");
  const list = new Listr(
    invs.map((inv, i) => ({
      title: inv.name,
      task: async (_: unknown, hostTask: ListrTaskWrapper<unknown, ListrDefaultRenderer, ListrSimpleRenderer>) => {
        const only = opts.onlyFor?.[inv.name];
        const mine = tasks.filter((t) => rolesOf(t.name).includes(inv.role));
        await slots.acquire();
        try {
          await runOneHost(inv, mine, connect, only ? { ...opts, only, skip: [] } : opts, reports[i]!, write, hostTask, fleet);
        } finally {
          slots.release();
        }
      },
    })),
    {
      // Every host's listr task starts at once; Slots bounds how many work (a waiting host holds none).
      concurrent: true,
      exitOnError: false,
      renderer,
      fallbackRenderer: "simple",
      rendererOptions: { collapseSubtasks: false },
      // listr2's own SIGINT handler exits 127 at once, before any lock is released: src/interrupt.ts handles signals.
      registerSignalListeners: false,
    } as never,
  );
  await list.run().catch(() => undefined);
  return reports;
}

async function runOneHost(
  inv: Inventory,
  tasks: Task[],
  connect: Connector,
  opts: RunOptions,
  report: HostReport,
  write: (t: string) => void,
  hostTask: ListrTaskWrapper<unknown, ListrDefaultRenderer, ListrSimpleRenderer>,
  fleet: FleetGates,
): Promise<void> {
  const counts: WireCounts = { commands: 0, writes: 0, forwards: 0 };
  const state = newRunState([inv.jwt.appSecret]);
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  let host: Host | undefined;
  let lock: { release(): Promise<void> } | undefined;
  // Progress: to listr2 (the TTY's last line) and to the log sink; on a TTY the title ticks the step and elapsed
  // time every second, and a line that waits (a restart, a build) says for how long.
  const hostStarted = Date.now();
  const steps = tasks.filter((t) => selected(t.name, opts)).length;
  let step = 0;
  let stepName = "connect";
  let shown = { line: "", at: hostStarted };
  const say = (line: string) => {
    shown = { line, at: Date.now() };
    hostTask.output = line;
    opts.log?.(inv.name, line);
  };
  const tick = () => {
    hostTask.title = stepTitle(inv.name, step, steps, stepName, Date.now() - hostStarted);
    const waiting = withWaiting(shown.line, Date.now() - shown.at);
    if (shown.line && waiting !== hostTask.output) hostTask.output = waiting;
  };
  const ticker = opts.renderer === "default" || (opts.renderer === undefined && process.stdout.isTTY) ? setInterval(tick, 1000) : undefined;
  // Between steps: stop here when the run was interrupted.
  const stopIfInterrupted = () => {
    if (opts.signal?.aborted) throw opts.signal.reason instanceof InterruptedError ? opts.signal.reason : new InterruptedError("SIGINT");
  };
  try {
    if (inv.role === "videobridge") say(`waiting for ${inv.main ?? "its main host"}`);
    await fleet.beforeStart(inv);
    stopIfInterrupted();
    say("connecting");
    host = counting(await untilInterrupted(connect(inv), opts.signal, (late) => void late.close().catch(() => undefined)), counts);
    stopIfInterrupted();
    // One command takes the lock and reads every fact the selected tasks need.
    const facts = new RunFacts(host, inv, tasks.filter((t) => selected(t.name, opts)));
    const held = await acquireLock(host, {
      timeoutMs: opts.lockTimeoutMs,
      address: inv.ssh,
      signal: opts.signal,
      notice: (m) => {
        (report.notices ??= []).push(m);
        say(m);
      },
    }, facts.all());
    lock = held;
    facts.read(held.known);
    const ctx: TaskContext = {
      host: opts.verbose ? withVerbose(host, (m) => ctx.log(m)) : host,
      inv,
      check: opts.check,
      state,
      log: (m) => say(maskSecrets(m, state.secrets)),
      fleet: fleet.link(inv),
    };
    const run: TaskRun = {
      env: { handoff: state.handoff, notified: state.notified, random: opts.random ?? (() => randomBytes(24).toString("base64url")), public: opts.public === true },
      diff: opts.diff,
      write,
      stamp,
      pendingPackages: new Map(),
      stopIfInterrupted,
      facts,
    };
    for (const task of tasks) {
      stopIfInterrupted();
      if (!selected(task.name, opts)) {
        report.tasks.push({ name: task.name, status: "skipped", detail: "not selected (--only/--skip)", changes: [] });
        continue;
      }
      step += 1;
      stepName = task.name;
      tick();
      const t0 = Date.now();
      const sent = () => counts.commands + counts.writes;
      const c0 = sent();
      try {
        const outcome = await runTask(task, ctx, run);
        // Nothing shown carries a secret, whatever a plan put in its lines.
        report.tasks.push({ name: task.name, status: outcome.status, detail: maskSecrets(outcome.detail, state.secrets), changes: outcome.changes.map((l) => maskSecrets(l, state.secrets)) });
        const done = report.tasks.at(-1)!;
        done.durationMs = Date.now() - t0;
        done.commands = sent() - c0;
        say(`${task.name}: ${done.status} (${formatDuration(done.durationMs)})`);
      } catch (e) {
        if (e instanceof InterruptedError) throw e;
        const msg = maskSecrets(errorText(e), state.secrets);
        // With --check, earlier tasks' changes were only planned: a task that needs what one of them installs (a
        // config file of a package the bootstrap would install) cannot be planned yet; that alone is not a failure
        // of the host. Any other error is (a broken file, a bug), and so is a missing package nothing here installs.
        if (opts.check && e instanceof PendingChangeError && e.packages.length > 0 && e.packages.every((p) => run.pendingPackages.has(p))) {
          const by = [...new Set(e.packages.map((p) => run.pendingPackages.get(p)!))].join(", ");
          report.tasks.push({ name: task.name, status: "skipped", detail: `cannot be planned before ${by} installs ${e.packages.join(", ")} (${maskSecrets(e.message, state.secrets)})`, changes: [] });
          continue;
        }
        report.tasks.push({ name: task.name, status: "failed", detail: msg, changes: [], durationMs: Date.now() - t0, commands: sent() - c0 });
        // The error itself is printed once, in the summary at the end.
        say(`${task.name}: failed (${formatDuration(Date.now() - t0)}); the error is in the summary below`);
        throw new TaskFailed(`task ${task.name} failed: ${msg}`);
      }
    }
  } catch (e) {
    report.ok = false;
    if (e instanceof InterruptedError || opts.signal?.aborted) {
      // A step cut short by the interruption (an aborted lock wait, a dropped command) is reported as the interruption.
      const stop = e instanceof InterruptedError ? e : opts.signal!.reason instanceof InterruptedError ? opts.signal!.reason : new InterruptedError("SIGINT");
      const last = report.tasks.filter((t) => !(t.status === "skipped" && t.detail.startsWith("not selected"))).at(-1);
      report.error = `${stop.message}: stopped ${last ? `after the ${last.name} task (${last.status})` : "before the first task"}`;
      say(`${stop.message}; stopped (the summary below says where)`);
      throw new Error(report.error);
    }
    report.error = maskSecrets(e instanceof TaskFailed ? e.message : errorText(e), state.secrets);
    if (!(e instanceof TaskFailed)) {
      report.tasks.push({ name: "connect", status: "failed", detail: report.error, changes: [] });
      say("connect: failed; the error is in the summary below");
    }
    // listr2 (a TTY) shows the first line; the whole error is printed once, in the summary.
    throw new Error(report.error.split("\n")[0]);
  } finally {
    if (ticker) clearInterval(ticker);
    report.durationMs = Date.now() - hostStarted;
    report.changes = report.tasks.reduce((n, t) => n + (t.status === "changed" ? Math.max(1, t.changes.length) : 0), 0);
    report.restarts = [...state.restarted];
    if (state.verification !== undefined) report.verification = state.verification;
    if (lock) await lock.release().catch(() => undefined);
    // A videobridge host stays connected (unlocked) until its main host's `bridges` proof has read its log.
    await fleet.finished(inv, { host, ok: report.ok, error: report.error });
    if (host) await host.close().catch(() => undefined);
    if (host) Object.assign(report, { commands: counts.commands + counts.writes, forwards: counts.forwards });
  }
}

class TaskFailed extends Error {}

/** `p`, or an InterruptedError as soon as `signal` aborts (a connection that opens later is handed to `late`). */
function untilInterrupted<T>(p: Promise<T>, signal: AbortSignal | undefined, late: (value: T) => void): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    let stopped = false;
    const onAbort = () => {
      stopped = true;
      reject(signal.reason instanceof InterruptedError ? signal.reason : new InterruptedError("SIGINT"));
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        if (stopped) late(v);
        else resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

function selected(name: string, opts: RunOptions): boolean {
  if (opts.only && opts.only.length > 0 && !opts.only.includes(name)) return false;
  return !(opts.skip ?? []).includes(name);
}

export { errorText };

export { formatSummary } from "./output/summary.js";
