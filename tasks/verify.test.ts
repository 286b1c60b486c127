import { describe, expect, it, vi } from "vitest";
import { FakeHost } from "../test/support/host/fake-host.js";
import type { RunState } from "../src/task.js";
import { testInventory } from "../test/support/tasks/harness.js";

const verifyHost = vi.fn(async () => [{ id: "a", name: "token-opens-room", ok: true, detail: "fine" }]);
vi.mock("../src/verify/index.js", async (orig) => ({ ...(await orig<typeof import("../src/verify/index.js")>()), verifyHost }));
const { verify, VERIFY_PUBLIC } = await import("./verify.js");

describe("verify task", () => {
  it("verifies through the public URL when the run was given --public, else through the tunnel", async () => {
    for (const pub of [true, false]) {
      verifyHost.mockClear();
      const state: RunState = { notified: new Set(), written: [], secrets: new Set(), facts: new Map([[VERIFY_PUBLIC, pub]]) };
      const host = new FakeHost();
      await verify.gather({ host, inv: testInventory(), check: false, state, log: () => undefined });
      expect(verifyHost).toHaveBeenCalledWith(host, testInventory(), { public: pub });
    }
  });
});
