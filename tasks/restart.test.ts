import { describe, expect, it } from "vitest";
import { moduleLoadErrors, restart, restartOrder } from "./restart.js";
import { testInventory } from "./testing.js";

describe("restart", () => {
  it("orders units by dependency, notified or stopped, each once", () => {
    expect(restartOrder(["nginx", "jicofo", "prosody"], ["jicofo"])).toEqual(["prosody", "jicofo", "nginx"]);
    expect(restartOrder([], ["jitsi-videobridge"])).toEqual(["jitsi-videobridge"]);
    expect(restartOrder(["zeta", "prosody"], [])).toEqual(["prosody", "zeta"]);
  });
  it("plans nothing, and says so, when nothing changed", () => {
    expect(restart.plan(testInventory(), { units: [], prosodyLog: null, why: {} })).toEqual({ changes: [], reason: "nothing changed, every service running: nothing to restart" });
  });
  it("says why a unit this run did not change is restarted", () => {
    const plan = restart.plan(testInventory(), { units: ["prosody", "jicofo"], prosodyLog: null, why: { jicofo: "an earlier run changed its configuration and did not restart it" } });
    expect(plan.changes.map((c) => (c as { summary: string }).summary)).toEqual(["restart prosody", "restart jicofo (an earlier run changed its configuration and did not restart it)"]);
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
});
