import { describe, expect, it } from "vitest";
import { runOptions, type RunFlags } from "./cli-run.js";
import { program } from "./cli.js";
import { testInventory } from "../test/support/tasks/harness.js";

/** The main command's flags as commander parses them (no action runs). */
function flags(argv: string[]): RunFlags {
  const p = program();
  p.parseOptions(argv);
  return p.opts() as RunFlags;
}

describe("main command flags → runner options", () => {
  // Regression: `provision --host X --public` verified through the SSH tunnel anyway.
  it("--public reaches the verify task", () => {
    expect(runOptions(flags(["--host", "x", "--public"])).public).toBe(true);
    expect(runOptions(flags(["--host", "x"])).public).toBe(false);
  });

  it("--check and --no-verify skip verification; the rest passes through", () => {
    expect(runOptions(flags(["--host", "x", "--check", "--skip", "nginx"])).skip).toEqual(["nginx", "verify", "bridges"]);
    expect(runOptions(flags(["--host", "x", "--no-verify"])).skip).toEqual(["verify", "bridges"]);
    expect(runOptions(flags(["--host", "x", "--lock-timeout", "7", "--parallel", "2", "--diff"]))).toMatchObject({ lockTimeoutMs: 7000, parallel: 2, diff: true, check: false });
  });
});

describe("the hosts a run connects to", () => {
  const main = testInventory({ name: "main" });
  const b1 = testInventory({ name: "b1", role: "videobridge", main: "main" });
  it("main hosts first; a bridge's main host not named joins for its bridges check only, unless verification is off", async () => {
    const { runHostsOf } = await import("./cli-run.js");
    expect(runHostsOf({ run: [b1, main], mains: [main] }, {})).toEqual({ invs: [main, b1], onlyFor: {} });
    expect(runHostsOf({ run: [b1], mains: [main] }, {})).toEqual({ invs: [main, b1], onlyFor: { main: ["bridges"] } });
    expect(runHostsOf({ run: [b1], mains: [main] }, { skip: ["verify", "bridges"] })).toEqual({ invs: [b1], onlyFor: {} });
    expect(runHostsOf({ run: [b1], mains: [main] }, { only: ["videobridge"] })).toEqual({ invs: [b1], onlyFor: {} });
  });
});
