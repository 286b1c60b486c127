// Hosts of one run that depend on each other: a deployment's main host goes first, its videobridge hosts after it (in
// parallel with each other), and the main host's `bridges` proof runs once they are done, with their connections
// still open for reading their logs. Waiting never holds one of the --parallel slots, so no order of hosts deadlocks.
import type { Host } from "./host/host.js";
import type { Inventory } from "./inventory-types.js";
import type { FleetLink } from "./task.js";

/** At most `n` hosts work at once; a host waiting for another gives its slot back. */
export class Slots {
  private free: number;
  private readonly queue: (() => void)[] = [];
  constructor(n: number) {
    this.free = Math.max(1, n);
  }
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }
  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free += 1;
  }
  /** Run `wait` without holding a slot, then take one again. */
  async outside<T>(wait: Promise<T>): Promise<T> {
    this.release();
    try {
      return await wait;
    } finally {
      await this.acquire();
    }
  }
}

/** A promise with its resolve function. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

interface Deployment {
  /** The main host's tasks before its bridges proof are over (or its run ended). */
  mainReady: ReturnType<typeof gate>;
  /** Its bridges proof is over (or its run ended): the videobridge hosts may close their connections. */
  checked: ReturnType<typeof gate>;
  /** The videobridge hosts of the run not done yet. */
  pending: Set<string>;
  allDone: ReturnType<typeof gate>;
  runs: Map<string, { host?: Host; ok: boolean; error?: string }>;
}

/** The gates of one run, by deployment (its main host's inventory name). */
export class FleetGates {
  private readonly deployments = new Map<string, Deployment>();

  /** `invs`: the run's hosts. A deployment is coordinated when its main host is in the run. */
  constructor(invs: readonly Inventory[], private readonly slots: Slots) {
    for (const inv of invs) {
      if (inv.role !== "main") continue;
      const bridges = invs.filter((b) => b.role === "videobridge" && b.main === inv.name).map((b) => b.name);
      const d: Deployment = { mainReady: gate(), checked: gate(), pending: new Set(bridges), allDone: gate(), runs: new Map() };
      if (bridges.length === 0) d.allDone.open();
      this.deployments.set(inv.name, d);
    }
  }

  private of(inv: Inventory): Deployment | undefined {
    return this.deployments.get(inv.role === "main" ? inv.name : (inv.main ?? ""));
  }

  /** A videobridge host waits for its main host's tasks before it starts (nothing to wait for on a main host). */
  async beforeStart(inv: Inventory): Promise<void> {
    const d = this.of(inv);
    if (inv.role === "videobridge" && d) await this.slots.outside(d.mainReady.promise);
  }

  /** A main host's link to its deployment, for its `bridges` proof. */
  link(inv: Inventory): FleetLink | undefined {
    const d = inv.role === "main" ? this.deployments.get(inv.name) : undefined;
    if (!d) return undefined;
    return {
      bridgesDone: async () => {
        d.mainReady.open();
        await this.slots.outside(d.allDone.promise);
      },
      bridgeRun: (name) => d.runs.get(name),
    };
  }

  /**
   * A videobridge host's tasks are over (`host`: its connection, still open): it waits, without a slot, until its main
   * host's `bridges` proof has read its log, then closes. A main host's run is over: whatever waits on it goes on.
   */
  async finished(inv: Inventory, outcome: { host?: Host; ok: boolean; error?: string }): Promise<void> {
    const d = this.of(inv);
    if (!d) return;
    if (inv.role === "main") {
      d.mainReady.open();
      d.checked.open();
      return;
    }
    d.runs.set(inv.name, outcome);
    d.pending.delete(inv.name);
    if (d.pending.size === 0) d.allDone.open();
    await this.slots.outside(d.checked.promise);
  }
}
