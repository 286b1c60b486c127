// The order of a run's hosts: main first, bridges after it in parallel, the main host's bridges proof after them,
// and no deadlock whatever --parallel is.
import { describe, expect, it } from "vitest";
import { FleetGates, Slots } from "./fleet-run.js";
import type { Inventory } from "./inventory-types.js";
import { testInventory } from "../test/support/tasks/harness.js";

const main = testInventory({ name: "main", bridges: [{ name: "b1", nickname: "b1", account: "jvb-b1" }, { name: "b2", nickname: "b2", account: "jvb-b2" }] });
const bridge = (name: string): Inventory => testInventory({ name, role: "videobridge", main: "main", bridge: { nickname: name, xmppServer: "meet.example.org" } });

/** Play one host's part as the runner does: a slot, the start gate, its work, the bridges proof (main), finished. */
async function host(inv: Inventory, fleet: FleetGates, slots: Slots, log: string[]): Promise<void> {
  await slots.acquire();
  try {
    await fleet.beforeStart(inv);
    log.push(`${inv.name} tasks`);
    await new Promise((r) => setTimeout(r, 5));
    const link = fleet.link(inv);
    if (link) {
      await link.bridgesDone();
      log.push(`${inv.name} bridges proof sees ${["b1", "b2"].filter((b) => link.bridgeRun(b)?.host).join(",")}`);
    }
    await fleet.finished(inv, { host: inv.role === "videobridge" ? ({ name: inv.name } as never) : undefined, ok: true });
    log.push(`${inv.name} closed`);
  } finally {
    slots.release();
  }
}

describe("fleet run order", () => {
  for (const parallel of [1, 2, 4]) {
    it(`main first, bridges after it, the proof once both are done with their connections open (--parallel ${parallel})`, async () => {
      const invs = [main, bridge("b1"), bridge("b2")];
      const slots = new Slots(parallel);
      const fleet = new FleetGates(invs, slots);
      const log: string[] = [];
      // Bridges listed first on purpose: the order comes from the gates, not from the list.
      await Promise.all([...invs].reverse().map((i) => host(i, fleet, slots, log)));
      expect(log.indexOf("main tasks")).toBe(0);
      expect(log.indexOf("main bridges proof sees b1,b2")).toBeGreaterThan(Math.max(log.indexOf("b1 tasks"), log.indexOf("b2 tasks")));
      expect(log.indexOf("b1 closed")).toBeGreaterThan(log.indexOf("main bridges proof sees b1,b2"));
    });
  }

  it("a bridge whose main host is not in the run starts at once and closes at once", async () => {
    const slots = new Slots(1);
    const fleet = new FleetGates([bridge("b1")], slots);
    const log: string[] = [];
    await host(bridge("b1"), fleet, slots, log);
    expect(log).toEqual(["b1 tasks", "b1 closed"]);
  });

  it("a main host that ends without its proof (failed, or not selected) lets its bridges go on", async () => {
    const slots = new Slots(2);
    const invs = [main, bridge("b1")];
    const fleet = new FleetGates(invs, slots);
    const b = (async () => {
      await slots.acquire();
      await fleet.beforeStart(invs[1]!);
      await fleet.finished(invs[1]!, { ok: true });
      slots.release();
      return "done";
    })();
    await fleet.finished(main, { ok: false, error: "preflight failed" });
    expect(await b).toBe("done");
  });
});
