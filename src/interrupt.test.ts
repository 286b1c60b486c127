import { afterEach, describe, expect, it } from "vitest";
import { EXIT } from "./errors.js";
import { ANY_ARGS, FakeHost, type ExpectedCommand } from "../test/support/host/fake-host.js";
import type { Inventory } from "./inventory-types.js";
import { handleInterrupts } from "./interrupt.js";
import { LOCK_DIR } from "./lock.js";
import { runHosts } from "./runner.js";
import type { Task } from "./task.js";

function inv(name: string): Inventory {
  return {
    name,
    role: "main",
    bridge: { nickname: "jvb-test", xmppServer: "127.0.0.1" },
    bridges: [],
    ssh: { host: `${name}.example.org`, port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
    jitsi: { domain: `${name}.example.org`, guestDomain: `guest.${name}.example.org`, prosodyAddress: "127.0.0.1", pluginDir: "/usr/lib/jitsi-meet-prosody" },
    jwt: { appId: "app", appSecret: "interrupt-test-FAKE-secret-0123456789", audience: "jitsi" },
    tls: { mode: "self-signed" },
  };
}

/** A fake host that grants the lock (its script matched by label) and expects the release. */
function lockedHost(name: string, ...more: ExpectedCommand[]): FakeHost {
  return new FakeHost({
    name,
    ordered: false,
    commands: [
      ...more,
      { argv: ["<lock>", LOCK_DIR, ANY_ARGS], sudo: true },
      { argv: ["<unlock>", LOCK_DIR, ANY_ARGS], sudo: true },
    ],
  });
}

let remove: (() => void) | undefined;
afterEach(() => remove?.());

describe("handleInterrupts with a run", () => {
  // Regression: Ctrl-C exited 127 and left the host locked.
  it("on SIGINT releases the lock of a host stuck in a command, then exits 130", async () => {
    let entered!: () => void;
    const inGather = new Promise<void>((r) => (entered = r));
    const stuck = lockedHost("stuck", { argv: ["hang"], onStart: () => entered(), until: new Promise(() => undefined) });
    const hang: Task = {
      name: "hang",
      title: "a command that never returns",
      facts: () => ({}),
      plan: () => ({ changes: [{ kind: "command", summary: "hang", argv: ["hang"] }] }),
    };
    const controller = new AbortController();
    const settled = runHosts([inv("stuck")], [hang], async () => stuck, { check: false, diff: false, parallel: 1, lockTimeoutMs: 1000, renderer: "silent", signal: controller.signal });
    const exits: number[] = [];
    const notes: string[] = [];
    let exited!: () => void;
    const done = new Promise<void>((r) => (exited = r));
    remove = handleInterrupts({ controller, settled, graceMs: 50, releaseMs: 1000, write: (t) => notes.push(t), exit: (c) => (exits.push(c), exited()) });
    await inGather;
    process.emit("SIGINT");
    await done;
    expect(exits).toEqual([EXIT.INTERRUPTED]);
    expect(notes.join("")).toMatch(/interrupted \(SIGINT\); stopping and releasing host locks/);
    expect(stuck.calls.map((c) => [c.argv[3] ?? c.argv[0], c.argv[4]])).toEqual([["lock", LOCK_DIR], ["hang", undefined], ["unlock", LOCK_DIR]]);
    stuck.assertDone();
  });

  it("on SIGTERM stops a run between tasks: the host releases its own lock and reports the interruption; exit 143", async () => {
    const host = lockedHost("h");
    const controller = new AbortController();
    let ran = 0;
    const step = (name: string): Task => ({
      name,
      title: name,
      facts: () => ({}),
      plan() {
        ran++;
        if (name === "first") process.emit("SIGTERM");
        return { changes: [], reason: "fine" };
      },
    });
    let exited!: (c: number) => void;
    const exit = new Promise<number>((r) => (exited = r));
    let settle!: (v: unknown) => void;
    const settled = new Promise((r) => (settle = r));
    remove = handleInterrupts({ controller, settled, graceMs: 5000, write: () => undefined, exit: (c) => exited(c) });
    const reports = await runHosts([inv("h")], [step("first"), step("second")], async () => host, { check: false, diff: false, parallel: 1, lockTimeoutMs: 1000, renderer: "silent", signal: controller.signal });
    settle(reports);
    expect(await exit).toBe(EXIT.TERMINATED);
    expect(ran).toBe(1);
    expect(reports[0]).toMatchObject({ ok: false, error: "interrupted (SIGTERM): stopped after the first task (unchanged)" });
    host.assertDone();
  });

  it("a second signal exits at once", async () => {
    const controller = new AbortController();
    const exits: number[] = [];
    remove = handleInterrupts({ controller, settled: new Promise(() => undefined), graceMs: 60_000, write: () => undefined, exit: (c) => exits.push(c) });
    process.emit("SIGINT");
    process.emit("SIGINT");
    expect(exits).toEqual([EXIT.INTERRUPTED]);
    expect(controller.signal.aborted).toBe(true);
  });
});
