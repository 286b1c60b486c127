// The shape of every task in tasks/: declared facts → a pure plan → the generic apply code does what the plan lists.
//
// - facts(inv): the facts the task reads, each a Fact (src/facts/fact.ts): the remote shell text that reads it and a
//   pure parser of its output, tested on recorded output. No shell text lives in tasks/.
// - The runner reads the facts of ALL selected tasks in ONE remote command that first takes the host's lock
//   (src/lock.ts, src/facts/batch.ts); the same fact asked by two tasks is read once. When a task applies a change
//   (a package installed, a file written, an account registered), the facts of every task still to come are read
//   again, together, in one command, before the next one plans (src/run-task.ts RunFacts). --check never re-reads.
//   A no-change run: connect, one command (lock + facts), one command (unlock), plus verification.
// - plan(inv, facts, env) is pure: randomness (env.random), what earlier tasks handed on (env.handoff: typed,
//   e.g. the focus and jvb passwords), units earlier changes notified (env.notified) and --public come in env.
//   It returns data: changes (file, packages, command, restart), secrets to mask, a typed hand-off, a proof (verify).
// - The generic apply code (src/apply.ts, src/restart.ts) applies changes in order and runs the proof; the runner
//   knows no task by name. recheck: after applying, the task's facts are read again and must plan no change.
// - --report carries per task its duration and remote commands (src/host/counting.ts), per host the totals.
import type { FactSource } from "./facts/collect.js";
import type { Host } from "./host/host.js";
import type { Inventory } from "./inventory-types.js";
import type { CheckResult } from "./verify/index.js";

/** A file the plan wants to exist with this exact content. */
export interface FileChange {
  kind: "file";
  path: string;
  content: string;
  /** Content on the host now (null: absent). Used for diffs and rollback. */
  previous: string | null;
  owner: string;
  group: string;
  mode: number;
  /** Units to restart (once, at the end) when this file changes. */
  notify: string[];
}

/** Packages to install with yay (only those missing). */
export interface PackageChange {
  kind: "packages";
  names: string[];
}

/** A command with a human summary. Secrets go through stdin, never argv. */
export interface CommandChange {
  kind: "command";
  summary: string;
  argv: string[];
  sudo?: boolean;
  user?: string;
  stdin?: string;
  notify?: string[];
}

/** Validate, then restart these units once each, in this order; roll every file back when one fails (src/restart.ts). */
export interface RestartChange {
  kind: "restart";
  units: string[];
  /** Why a unit this run did not change is restarted. */
  why: Record<string, string>;
}

export type Change = FileChange | PackageChange | CommandChange | RestartChange;

/** Read-only proof that runs after the changes (never with --check); its failure fails the task. */
export type VerifyProof =
  | {
      /** Checks a–h: tokens open rooms, everything else is refused. */
      kind: "verify";
      /** Through the public URL instead of the SSH tunnel. */
      public: boolean;
    }
  | {
      /** Every bridge of the deployment registered with jicofo (after the run's videobridge hosts are done). */
      kind: "bridges";
    };

/** What a main host's `bridges` proof needs from the rest of the run (src/fleet-run.ts). */
export interface FleetLink {
  /** Wait (without holding a --parallel slot) until every videobridge host of this deployment in the run is done. */
  bridgesDone(): Promise<void>;
  /** A videobridge host of the run: its open connection (undefined when it could not connect) and how its run went. */
  bridgeRun(name: string): { host?: Host; ok: boolean; error?: string } | undefined;
}

/** A password one task decides and a later one uses (an XMPP account's). */
export interface Password {
  value: string;
  /** Made in this run (the host held none). */
  generated: boolean;
}

/** What one task hands to later ones in the same run. */
export interface Handoff {
  /** jicofo's focus password (jicofo task → accounts task). */
  focusPassword?: Password;
  /** The bridge's password (videobridge task → accounts task). */
  jvbPassword?: Password;
}

export interface Plan {
  changes: Change[];
  /** Why nothing needs doing (shown when changes is empty). */
  reason?: string;
  /** What later tasks may read (merged into the run's hand-off once the plan is made). */
  handoff?: Handoff;
  /** Values to mask in everything shown from now on (passwords this plan decided). */
  secrets?: string[];
  /** A proof to run after the changes. */
  proof?: VerifyProof;
}

/** What a plan may use besides the inventory and the facts: all of it given, so that plan stays pure. */
export interface PlanEnv {
  /** What earlier tasks' plans handed on. */
  handoff: Readonly<Handoff>;
  /** Units earlier changes notified (applied, or planned with --check). */
  notified: ReadonlySet<string>;
  /** A fresh random secret (the runner's is crypto-random; tests inject their own). */
  random(): string;
  /** --public: verify through the public URL. */
  public: boolean;
}

/** Shared, mutable state of one run on one host (the runner's and apply code's, not the tasks'). */
export interface RunState {
  /** Units notified by changes, restarted once at the end. */
  notified: Set<string>;
  /** Files written in this run, with their previous content, owner, group and mode, for rollback. */
  written: { path: string; previous: string | null; owner: string; group: string; mode: number }[];
  /** Every secret known in this run; masked out of anything shown. */
  secrets: Set<string>;
  /** What tasks' plans handed on. */
  handoff: Handoff;
  /** Units restarted by a restart change (for the report). */
  restarted: string[];
  /** Results of a verify proof (for the report). */
  verification?: CheckResult[];
}

/** A fresh run state for one host. */
export function newRunState(secrets: Iterable<string> = []): RunState {
  return { notified: new Set(), written: [], secrets: new Set(secrets), handoff: {}, restarted: [] };
}

export interface TaskContext {
  host: Host;
  inv: Inventory;
  /** --check: plan only. */
  check: boolean;
  state: RunState;
  /** Progress output (listr task.output); secrets are masked before display. */
  log(message: string): void;
  /** The other hosts of the run, for a main host's `bridges` proof. */
  fleet?: FleetLink;
}

export interface Task<F = unknown> {
  /** Stable name used by --only / --skip and the report. */
  name: string;
  title: string;
  /** The facts the plan reads (commands + parsers, src/facts/); the runner reads every task's together. */
  facts(inv: Inventory): FactSource<F>;
  /** Pure: what must change, and what to hand on. */
  plan(inv: Inventory, facts: F, env?: PlanEnv): Plan;
  /** After applying, its facts are read again and planned once more: the new plan must change nothing (packages: every module loads). */
  recheck?: boolean;
}

/** A PlanEnv for plans called outside a run (tests): nothing handed on, nothing notified, random() refuses. */
export function planEnv(over: Partial<PlanEnv> = {}): PlanEnv {
  return { handoff: {}, notified: new Set(), random: () => { throw new Error("random() was not given"); }, public: false, ...over };
}
