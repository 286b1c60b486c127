import { describe, expect, it, vi } from "vitest";
import { FakeHost } from "../test/support/host/fake-host.js";
import { runProof } from "../src/apply.js";
import { newRunState, planEnv } from "../src/task.js";
import { testInventory } from "../test/support/tasks/harness.js";
import { verify } from "./verify.js";

const verifyHost = vi.fn(async () => [{ id: "a", name: "token-opens-room", ok: true, detail: "fine" }]);
vi.mock("../src/verify/index.js", async (orig) => ({ ...(await orig<typeof import("../src/verify/index.js")>()), verifyHost }));

describe("verify task", () => {
  it("plans no change and a verify proof, through the public URL when the run was given --public", () => {
    for (const pub of [true, false]) expect(verify.plan(testInventory(), {}, planEnv({ public: pub }))).toEqual({ changes: [], proof: { kind: "verify", public: pub } });
  });

  it("the proof runs the checks through the public URL or the tunnel, and keeps the results for the report", async () => {
    for (const pub of [true, false]) {
      verifyHost.mockClear();
      const state = newRunState();
      const host = new FakeHost();
      const detail = await runProof({ host, inv: testInventory(), check: false, state, log: () => undefined }, { kind: "verify", public: pub });
      expect(verifyHost).toHaveBeenCalledWith(host, testInventory(), { public: pub });
      expect(detail).toBe("1/1 checks passed: token-opens-room");
      expect(state.verification).toEqual([{ id: "a", name: "token-opens-room", ok: true, detail: "fine" }]);
    }
  });
});
