// The shape of every task in tasks/: gather facts, plan (pure data), apply only what the plan lists.
import type { Host } from "./host/host.js";
import type { Inventory } from "./inventory-types.js";

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

export type Change = FileChange | PackageChange | CommandChange;

export interface Plan {
  changes: Change[];
  /** Why nothing needs doing (shown when changes is empty). */
  reason?: string;
}

/** Shared, mutable state of one run on one host. */
export interface RunState {
  /** Units notified by changes, restarted once at the end. */
  notified: Set<string>;
  /** Files written in this run, with their previous content, owner, group and mode, for rollback. */
  written: { path: string; previous: string | null; owner: string; group: string; mode: number }[];
  /** Every secret known in this run; masked out of anything shown. */
  secrets: Set<string>;
  /** Facts one task learned that a later one needs (e.g. the focus password). */
  facts: Map<string, unknown>;
}

export interface TaskContext {
  host: Host;
  inv: Inventory;
  /** --check: plan only. */
  check: boolean;
  state: RunState;
  /** Progress output (listr task.output); secrets are masked before display. */
  log(message: string): void;
}

export interface Task<F = unknown> {
  /** Stable name used by --only / --skip and the report. */
  name: string;
  title: string;
  /** Read what the plan needs, in as few round trips as possible. */
  gather(ctx: TaskContext): Promise<F>;
  /** Pure: what must change. */
  plan(inv: Inventory, facts: F): Plan;
  /** Optional custom apply; by default the runner applies the plan's changes. */
  apply?(ctx: TaskContext, plan: Plan, facts: F): Promise<void>;
}
