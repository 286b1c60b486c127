import { describe, expect, it } from "vitest";
import { HostError, PendingChangeError } from "./errors.js";
import { FakeHost } from "../test/support/host/fake-host.js";
import type { Inventory } from "./inventory-types.js";
import { LOCK_DIR } from "./lock.js";
import { formatSummary, runHosts } from "./runner.js";
import type { Task } from "./task.js";

const SECRET = "a-very-secret-value-0123456789-abcdef";

function inv(name: string): Inventory {
  return {
    name,
    ssh: { host: name, port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
    jitsi: { domain: `${name}.example.org`, guestDomain: `guest.${name}.example.org`, prosodyAddress: "127.0.0.1", pluginDir: "/usr/lib/jitsi-meet-prosody" },
    jwt: { appId: "app", appSecret: SECRET, audience: "jitsi" },
    tls: { mode: "self-signed" },
  };
}

describe("runHosts", () => {
  it("runs hosts concurrently: two gathers wait for each other", async () => {
    let arrived = 0;
    let release!: () => void;
    const barrier = new Promise<void>((r) => (release = r));
    const task: Task<number> = {
      name: "meet",
      title: "meet at the barrier",
      async gather() {
        arrived += 1;
        if (arrived === 2) release();
        // Sequential hosts would wait here forever (the test times out); concurrent ones meet.
        await Promise.race([barrier, new Promise((_, rej) => setTimeout(() => rej(new Error("hosts ran one after the other")), 5000))]);
        return arrived;
      },
      plan: () => ({ changes: [], reason: "met" }),
    };
    const reports = await runHosts([inv("a"), inv("b")], [task], async (i) => lockless(i.name), { check: false, diff: false, parallel: 2, lockTimeoutMs: 1000, renderer: "silent" });
    expect(reports.map((r) => [r.host, r.ok, r.tasks[0]?.detail])).toEqual([
      ["a", true, "met"],
      ["b", true, "met"],
    ]);
  });

  it("keeps going on other hosts when one fails, and never shows the secret", async () => {
    const task: Task<string> = {
      name: "probe",
      title: "probe",
      async gather({ host }) {
        return host.name;
      },
      plan(i, name) {
        if (name === "bad") throw new HostError(`broke while holding ${SECRET}`, { where: i.name });
        return { changes: [], reason: "fine" };
      },
    };
    const reports = await runHosts([inv("bad"), inv("good")], [task], async (i) => lockless(i.name), { check: false, diff: false, parallel: 1, lockTimeoutMs: 1000, renderer: "silent" });
    expect(reports[0]).toMatchObject({ host: "bad", ok: false });
    expect(reports[0]!.tasks[0]).toMatchObject({ name: "probe", status: "failed" });
    expect(JSON.stringify(reports)).not.toContain(SECRET);
    expect(reports[1]).toMatchObject({ host: "good", ok: true });
    const summary = formatSummary(reports, false);
    expect(summary).toMatch(/bad: FAILED/);
    expect(summary).toMatch(/good: ok — 0 changed, 1 unchanged/);
  });

  // Regression: with --check, any error after a pending change was reported "skipped" and the run exited 0.
  describe("--check after a pending change", () => {
    const installs: Task<null> = {
      name: "bootstrap",
      title: "install",
      gather: async () => null,
      plan: () => ({ changes: [{ kind: "packages", names: ["jitsi-videobridge"] }] }),
    };
    const failing = (e: Error): Task<null> => ({ name: "videobridge", title: "jvb", gather: async () => null, plan: () => { throw e; } });
    const run = (tasks: Task[]) => runHosts([inv("h")], tasks, async (i) => lockless(i.name), { check: true, diff: false, parallel: 1, lockTimeoutMs: 1000, renderer: "silent" });

    it("fails the host for an error that is not about the pending change (a broken jvb.conf, a bug)", async () => {
      for (const e of [new HostError("/etc/jitsi-videobridge/jvb.conf is not valid HOCON: line 3"), new TypeError("Cannot read properties of undefined")]) {
        const [r] = await run([installs, failing(e)] as Task[]);
        expect(r).toMatchObject({ ok: false });
        expect(r!.tasks.map((t) => [t.name, t.status])).toEqual([["bootstrap", "changed"], ["videobridge", "failed"]]);
      }
    });

    it("skips a task that needs what the pending change installs", async () => {
      const [r] = await run([installs, failing(new PendingChangeError("/etc/jitsi-videobridge/jvb.conf does not exist", ["jitsi-videobridge"], { where: "h", fix: "install jitsi-videobridge (the bootstrap task does)" }))] as Task[]);
      expect(r).toMatchObject({ ok: true });
      expect(r!.tasks[1]).toMatchObject({ name: "videobridge", status: "skipped", detail: "cannot be planned before bootstrap installs jitsi-videobridge (/etc/jitsi-videobridge/jvb.conf does not exist)" });
    });

    it("fails a task whose missing package no earlier change installs, and fails it without --check", async () => {
      const missing = new PendingChangeError("/etc/jicofo/jicofo.conf does not exist", ["jicofo"], { where: "h", fix: "install jicofo (the bootstrap task does)" });
      const [r] = await run([installs, failing(missing)] as Task[]);
      expect(r).toMatchObject({ ok: false });
      expect(r!.tasks[1]).toMatchObject({ status: "failed", detail: expect.stringContaining("/etc/jicofo/jicofo.conf does not exist") });
      const [applied] = await runHosts([inv("h")], [failing(missing)] as Task[], async (i) => lockless(i.name), { check: false, diff: false, parallel: 1, lockTimeoutMs: 1000, renderer: "silent" });
      expect(applied).toMatchObject({ ok: false });
    });
  });

  it("waits for another run's lock, then fails naming the holder", async () => {
    const held = new FakeHost({
      name: "h",
      ordered: false,
      commands: Array.from({ length: 3 }, () => ({ argv: ["*lock*"], sudo: true, result: { code: 3, stdout: "alice@laptop pid 42 since 2026-01-01T00:00:00Z\n" } })),
    });
    const reports = await runHosts([inv("h")], [], async () => matchLock(held), { check: false, diff: false, parallel: 1, lockTimeoutMs: 50, renderer: "silent" });
    expect(reports[0]!.ok).toBe(false);
    expect(reports[0]!.error).toMatch(/another provision run holds the lock on h:22: alice@laptop pid 42/);
  });
});

/** A fake host that grants the lock and expects nothing else. */
function lockless(name: string): FakeHost {
  return matchLock(
    new FakeHost({
      name,
      ordered: false,
      commands: [
        { argv: ["*lock*"], sudo: true },
        { argv: ["*unlock*"], sudo: true },
      ],
    }),
  );
}

/** Route the runner's lock scripts to the "*lock*" / "*unlock*" expectations (their text is src/lock.ts's business, tested there). */
function matchLock(h: FakeHost): FakeHost {
  const run = h.run.bind(h);
  h.run = (argv, opts) => run(argv[0] === "sh" && argv.includes(LOCK_DIR) && (argv[3] === "lock" || argv[3] === "unlock") ? [`*${argv[3]}*`] : argv, opts);
  return h;
}
