import { describe, expect, it } from "vitest";
import { PENDING_RESTARTS } from "../src/facts/service-freshness.js";
import { FakeHost } from "../test/support/host/fake-host.js";
import type { RunOptions, RunResult } from "../src/host/host.js";
import { PATHS } from "../src/platform.js";
import { applyRestart, moduleLoadErrors, restartLimits, RESTART_TIMEOUT_S } from "../src/restart.js";
import { newRunState, planEnv, type RestartChange } from "../src/task.js";
import type { ServiceFreshness } from "../src/facts/service-freshness.js";
import { restart, restartOrder } from "./restart.js";
import { testInventory } from "../test/support/tasks/harness.js";

/** The strict fake (inline scripts matched by label), recording each restart's timeout. */
class Fake extends FakeHost {
  readonly timeouts: (number | undefined)[] = [];
  override async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (argv[3] === "restart") this.timeouts.push(opts.timeoutMs);
    return super.run(argv, opts);
  }
}

const JOINED = { kind: "joined", muc: "jvbbrewery@internal.auth.meet.example.org" } as const;

describe("restart", () => {
  it("orders units by dependency, notified or stopped, each once", () => {
    expect(restartOrder(["nginx", "jicofo", "prosody"], ["jicofo"])).toEqual(["prosody", "jicofo", "nginx"]);
    expect(restartOrder([], ["jitsi-videobridge"])).toEqual(["jitsi-videobridge"]);
    expect(restartOrder(["zeta", "prosody"], [])).toEqual(["prosody", "zeta"]);
  });
  const running = (over: Partial<ServiceFreshness> = {}): ServiceFreshness => ({
    states: new Map(["prosody", "jicofo", "jitsi-videobridge", "nginx"].map((u) => [u, { enabled: true, active: true }])),
    pending: new Set(),
    stale: new Map(),
    ...over,
  });
  it("plans nothing, and says so, when nothing changed", () => {
    expect(restart.plan(testInventory(), { services: running(), bridge: JOINED }, planEnv())).toEqual({ changes: [], reason: "nothing changed, every service running: nothing to restart" });
  });
  it("plans one restart change, in dependency order, and says why a unit this run did not change is restarted", () => {
    const f = running({ pending: new Set(["jicofo"]), stale: new Map([["nginx", ["/etc/nginx/nginx.conf"]]]) });
    f.states.set("jitsi-videobridge", { enabled: true, active: false });
    const plan = restart.plan(testInventory(), { services: f, bridge: JOINED }, planEnv({ notified: new Set(["prosody"]) }));
    expect(plan.changes).toEqual([
      {
        kind: "restart",
        units: ["prosody", "jicofo", "jitsi-videobridge", "nginx"],
        why: { jicofo: "an earlier run changed its configuration and did not restart it", "jitsi-videobridge": "enabled but not running", nginx: "it runs an older configuration than /etc/nginx/nginx.conf" },
      },
    ]);
  });
  it("restarts a running bridge the brewery refused (nickname taken): it does not try again on its own", () => {
    const bridge = { kind: "conflict", muc: "jvbbrewery@internal.auth.meet.example.org", nick: "b1" } as const;
    expect(restart.plan(testInventory(), { services: running(), bridge }, planEnv()).changes).toEqual([
      { kind: "restart", units: ["jitsi-videobridge"], why: { "jitsi-videobridge": "the brewery refused its nickname 'b1' (taken) and it does not try again until it restarts" } },
    ]);
    const stopped = running();
    stopped.states.set("jitsi-videobridge", { enabled: false, active: false });
    expect(restart.plan(testInventory(), { services: stopped, bridge }, planEnv()).changes).toEqual([]);
  });

  it("recognises Prosody's module load errors", () => {
    const log = [
      "Nov 27 19:00:00 general info Hello and welcome to Prosody version 0.12.3",
      "Nov 27 19:00:00 meet.example.org:auth_token error Unable to load module 'token_verification': module 'inspect' not found:",
      "Nov 27 19:00:00 modulemanager error Error initializing module 'presence_identity' on 'meet.example.org': boom",
      "Nov 27 19:00:01 c2s info Client connected",
    ].join("\n");
    expect(moduleLoadErrors(log)).toHaveLength(2);
    expect(moduleLoadErrors("all fine")).toEqual([]);
  });

  it("gives systemctl restart RESTART_TIMEOUT_S, and the command a minute more, never more than SSH_COMMAND_TIMEOUT", () => {
    expect(restartLimits(1_800_000)).toEqual({ restartS: RESTART_TIMEOUT_S, commandMs: (RESTART_TIMEOUT_S + 60) * 1000 });
    expect(restartLimits(8_000)).toEqual({ restartS: 8, commandMs: 8_000 });
    expect(restartLimits(100_000)).toEqual({ restartS: RESTART_TIMEOUT_S, commandMs: 100_000 });
  });

  // Regression (docs/failure-modes.md #20): a `systemctl restart` that hung was cut off after 90 s whatever SSH_COMMAND_TIMEOUT said,
  // and, with the unit still reporting active (its old process), counted as a successful restart: new files
  // stayed, the owed restart was cleared, the run passed.
  it("a restart cut off by its timeout fails though the unit still reports active, and is rolled back", async () => {
    const inv = testInventory({ ssh: { ...testInventory().ssh, commandTimeoutMs: 8_000 } });
    const host = new Fake({
      commands: [
        { argv: ["<restart>", "jicofo", "-", "8"], sudo: true, result: { stdout: "@@state active 124\nsystemctl restart jicofo did not finish within 8 s\n" } },
        { argv: ["<restart>", "jicofo", "-", "8"], sudo: true, result: { stdout: "@@state active 0\n" } },
        { argv: ["<clear-pending>", PENDING_RESTARTS, "jicofo"], sudo: true },
      ],
    });
    const state = newRunState();
    state.notified.add("jicofo");
    state.written.push({ path: PATHS.jicofoConf, previous: "old jicofo.conf\n", owner: "jicofo", group: "jitsi", mode: 0o600 });
    const change: RestartChange = { kind: "restart", units: ["jicofo"], why: {} };
    const err = await applyRestart({ host, inv, check: false, state, log: () => undefined }, change).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toBe("the restart of jicofo did not complete; rolled back: restored /etc/jicofo/jicofo.conf; jicofo running again with the previous files");
    expect(host.writes.map((w) => [w.path, w.content, w.owner, w.group, w.mode])).toEqual([[PATHS.jicofoConf, "old jicofo.conf\n", "jicofo", "jitsi", 0o600]]);
    expect(host.timeouts).toEqual([8_000, 8_000]);
    host.assertDone();
  });
});
