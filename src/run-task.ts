// One task on one host: its facts → its pure plan → the generic apply code (or, with --check, only the plan), reported;
// and the facts of a run: read all at once, read again (together) only after a change may have altered them.
import { applyChange, changeLines, describeChange, fileDiff, runProof } from "./apply.js";
import { HostError } from "./errors.js";
import { formatDuration } from "./duration.js";
import { assemble, readBatch, uniqueFacts, type FactSource, type Known } from "./facts/collect.js";
import type { Fact } from "./facts/fact.js";
import type { Host } from "./host/host.js";
import type { Inventory } from "./inventory-types.js";
import type { PlanEnv, Task, TaskContext } from "./task.js";

/**
 * The facts of a run's tasks. All of them are read in the run's first command (with the lock); after a task applies
 * a change (a package installed, a file written, an account registered) what later tasks read may differ, so the
 * facts of every task still to come are read again, in one command, before the next one plans.
 */
export class RunFacts {
  private readonly sources: Map<Task, FactSource<unknown>>;
  private known: Known = new Map();
  private stale = false;

  constructor(
    private readonly host: Host,
    inv: Inventory,
    private readonly tasks: readonly Task[],
  ) {
    this.sources = new Map(tasks.map((t) => [t, t.facts(inv)]));
  }

  /** Every fact of the run, each once (the first batch). */
  all(): Fact<unknown>[] {
    return uniqueFacts(this.sources.values());
  }

  /** What the first batch read. */
  read(known: Known): void {
    this.known = known;
  }

  /** A change was applied: later tasks' facts are read again before they plan. */
  changed(): void {
    this.stale = true;
  }

  /** The values of `task`'s facts (re-reading it and every later task's facts first when a change came between). */
  async of(task: Task): Promise<unknown> {
    if (this.stale) await this.reread(task);
    return assemble(this.sources.get(task)!, this.known);
  }

  /** Read `from` and every later task's facts again, now, in one command. */
  async reread(from: Task): Promise<void> {
    const facts = uniqueFacts(this.tasks.slice(this.tasks.indexOf(from)).map((t) => this.sources.get(t)!));
    this.stale = false;
    if (facts.length) this.known = (await readBatch(this.host, facts)).known;
  }
}

/** What a task step needs from the run besides the task and its context. */
export interface TaskRun {
  env: PlanEnv;
  diff: boolean;
  /** Where --diff output goes. */
  write(text: string): void;
  /** Backup stamp of this run. */
  stamp: string;
  /** With --check: the packages earlier tasks plan to install (not installed yet), and which task plans each. */
  pendingPackages: Map<string, string>;
  /** Throws when the run was interrupted (between steps). */
  stopIfInterrupted(): void;
  facts: RunFacts;
}

/** The outcome of a task that did not fail. */
export interface TaskOutcome {
  status: "changed" | "unchanged";
  detail: string;
  changes: string[];
}

/** Plan the task on its facts and apply the plan (or only report it, with --check); throws when the task fails. */
export async function runTask(task: Task, ctx: TaskContext, run: TaskRun): Promise<TaskOutcome> {
  const { state, inv } = ctx;
  const plan = task.plan(inv, await run.facts.of(task), run.env);
  for (const secret of plan.secrets ?? []) state.secrets.add(secret);
  Object.assign(state.handoff, plan.handoff);
  const lines = plan.changes.flatMap(changeLines);
  if (ctx.check)
    for (const c of plan.changes) {
      for (const u of c.kind === "file" || c.kind === "command" ? (c.notify ?? []) : []) state.notified.add(u);
      if (c.kind === "packages") for (const p of c.names) run.pendingPackages.set(p, task.name);
    }
  if (run.diff) for (const c of plan.changes) if (c.kind === "file" && c.previous !== c.content) run.write(`${fileDiff(c, state.secrets)}\n`);
  if (plan.changes.length === 0) {
    const proven = plan.proof && !ctx.check ? await runProof(ctx, plan.proof) : undefined;
    return { status: "unchanged", detail: proven ?? plan.reason ?? "up to date", changes: [] };
  }
  if (ctx.check) return { status: "changed", detail: `would: ${lines.join("; ")}`, changes: lines };
  for (const c of plan.changes) {
    run.stopIfInterrupted();
    // Long steps (AUR builds) show that they are alive: the step, then every 30 s its elapsed time (piped output gets a
    // line per host each time, so not more often; on a terminal the runner's tick also ages the line every second).
    const started = Date.now();
    ctx.log(`${task.name}: ${describeChange(c)}…`);
    const ticker = setInterval(() => ctx.log(`${task.name}: ${describeChange(c)}… still running after ${formatDuration(Date.now() - started)}`), 30_000);
    try {
      await applyChange(ctx, c, run.stamp);
    } finally {
      clearInterval(ticker);
    }
  }
  run.facts.changed();
  if (task.recheck) {
    // Proven, not assumed: read the facts again (with every later task's) and plan again; anything still to do was not done.
    await run.facts.reread(task);
    const again = task.plan(inv, await run.facts.of(task), run.env).changes.flatMap(changeLines);
    if (again.length) throw new HostError(`still to do after applying: ${again.join("; ")}`, { where: inv.name });
  }
  if (plan.proof) await runProof(ctx, plan.proof);
  return { status: "changed", detail: lines.join("; "), changes: lines };
}
