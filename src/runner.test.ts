import { describe, expect, it } from "vitest";
import { HostError, PendingChangeError } from "./errors.js";
import { ANY_ARGS, FakeHost, type ExpectedCommand } from "../test/support/host/fake-host.js";
import type { Fact } from "./facts/fact.js";
import type { Inventory } from "./inventory-types.js";
import { LOCK_DIR } from "./lock.js";
import { formatSummary, runHosts, type RunOptions } from "./runner.js";
import type { Task } from "./task.js";

const SECRET = "a-very-secret-value-0123456789-abcdef";

function inv(name: string): Inventory {
  return {
    name,
    role: "main",
    bridge: { nickname: "jvb-test", xmppServer: "127.0.0.1" },
    bridges: [],
    ssh: { host: name, port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
    jitsi: { domain: `${name}.example.org`, guestDomain: `guest.${name}.example.org`, prosodyAddress: "127.0.0.1", pluginDir: "/usr/lib/jitsi-meet-prosody" },
    jwt: { appId: "app", appSecret: SECRET, audience: "jitsi" },
    tls: { mode: "self-signed" },
  };
}

const OPTS: RunOptions = { check: false, diff: false, parallel: 1, lockTimeoutMs: 1000, renderer: "silent" };
const LOCK = { argv: ["<lock>", LOCK_DIR, ANY_ARGS], sudo: true };
const UNLOCK = { argv: ["<unlock>", LOCK_DIR, ANY_ARGS], sudo: true };

/** A fake host that grants the lock (no facts to read), expects `more`, and the release. */
function lockless(name: string, ...more: ExpectedCommand[]): FakeHost {
  return new FakeHost({ name, ordered: false, commands: [LOCK, ...more, UNLOCK] });
}

describe("runHosts", () => {
  it("runs hosts concurrently: two hosts' commands wait for each other", async () => {
    let arrived = 0;
    let release!: () => void;
    const barrier = new Promise<void>((r) => (release = r));
    // Sequential hosts would wait here forever (the test times out); concurrent ones meet.
    const meet = { argv: ["meet"], onStart: () => ++arrived === 2 && release(), until: Promise.race([barrier, new Promise((_, rej) => setTimeout(() => rej(new Error("hosts ran one after the other")), 5000))]) };
    const task: Task = { name: "meet", title: "meet at the barrier", facts: () => ({}), plan: () => ({ changes: [{ kind: "command", summary: "meet", argv: ["meet"] }] }) };
    const hosts = [lockless("a", meet), lockless("b", meet)];
    const reports = await runHosts([inv("a"), inv("b")], [task], async (i) => hosts.find((h) => h.name === i.name)!, { ...OPTS, parallel: 2 });
    expect(reports.map((r) => [r.host, r.ok, r.tasks[0]?.detail])).toEqual([
      ["a", true, "meet"],
      ["b", true, "meet"],
    ]);
    for (const h of hosts) h.assertDone();
  });

  it("keeps going on other hosts when one fails, and never shows the secret", async () => {
    const task: Task = {
      name: "probe",
      title: "probe",
      facts: () => ({}),
      plan(i) {
        if (i.name === "bad") throw new HostError(`broke while holding ${SECRET}`, { where: i.name });
        return { changes: [], reason: "fine" };
      },
    };
    const reports = await runHosts([inv("bad"), inv("good")], [task], async (i) => lockless(i.name), OPTS);
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
    const installs: Task = { name: "bootstrap", title: "install", facts: () => ({}), plan: () => ({ changes: [{ kind: "packages", names: ["jitsi-videobridge"] }] }) };
    const failing = (e: Error): Task => ({ name: "videobridge", title: "jvb", facts: () => ({}), plan: () => { throw e; } });
    const run = (tasks: Task[]) => runHosts([inv("h")], tasks, async (i) => lockless(i.name), { ...OPTS, check: true });

    it("fails the host for an error that is not about the pending change (a broken jvb.conf, a bug)", async () => {
      for (const e of [new HostError("/etc/jitsi-videobridge/jvb.conf is not valid HOCON: line 3"), new TypeError("Cannot read properties of undefined")]) {
        const [r] = await run([installs, failing(e)]);
        expect(r).toMatchObject({ ok: false });
        expect(r!.tasks.map((t) => [t.name, t.status])).toEqual([["bootstrap", "changed"], ["videobridge", "failed"]]);
      }
    });

    it("skips a task that needs what the pending change installs", async () => {
      const [r] = await run([installs, failing(new PendingChangeError("/etc/jitsi-videobridge/jvb.conf does not exist", ["jitsi-videobridge"], { where: "h", fix: "install jitsi-videobridge (the bootstrap task does)" }))]);
      expect(r).toMatchObject({ ok: true });
      expect(r!.tasks[1]).toMatchObject({ name: "videobridge", status: "skipped", detail: "cannot be planned before bootstrap installs jitsi-videobridge (/etc/jitsi-videobridge/jvb.conf does not exist)" });
    });

    it("fails a task whose missing package no earlier change installs, and fails it without --check", async () => {
      const missing = new PendingChangeError("/etc/jicofo/jicofo.conf does not exist", ["jicofo"], { where: "h", fix: "install jicofo (the bootstrap task does)" });
      const [r] = await run([installs, failing(missing)]);
      expect(r).toMatchObject({ ok: false });
      expect(r!.tasks[1]).toMatchObject({ status: "failed", detail: expect.stringContaining("/etc/jicofo/jicofo.conf does not exist") });
      const [applied] = await runHosts([inv("h")], [failing(missing)], async (i) => lockless(i.name), OPTS);
      expect(applied).toMatchObject({ ok: false });
    });
  });

  it("waits for another run's lock, then fails naming the holder", async () => {
    const held = new FakeHost({
      name: "h",
      ordered: false,
      commands: Array.from({ length: 3 }, () => ({ ...LOCK, result: { code: 3, stdout: "alice@laptop pid 42 since 2026-01-01T00:00:00Z\n" } })),
    });
    const reports = await runHosts([inv("h")], [], async () => held, { ...OPTS, lockTimeoutMs: 50 });
    expect(reports[0]!.ok).toBe(false);
    expect(reports[0]!.error).toMatch(/another provision run holds the lock on h:22: alice@laptop pid 42/);
  });
});

describe("facts: one round trip", () => {
  const fact = (name: string, ...args: string[]): Fact<string> => ({ name, script: `echo ${name}`, args, parse: (s) => s.trim() });
  // Two tasks that read a value each (one fact they share); `writes` changes its value when it does not match.
  const writes: Task<{ value: string; shared: string }> = {
    name: "writes",
    title: "writes",
    facts: () => ({ value: fact("value"), shared: fact("shared") }),
    plan: (_i, f) => ({ changes: f.value === "new" ? [] : [{ kind: "command", summary: "write the value", argv: ["write"] }], reason: `value ${f.value}, shared ${f.shared}` }),
  };
  const reads: Task<{ shared: string; later: string }> = {
    name: "reads",
    title: "reads",
    facts: () => ({ shared: fact("shared"), later: fact("later") }),
    plan: (_i, f) => ({ changes: [], reason: `later ${f.later}, shared ${f.shared}` }),
  };

  it("a no-change run: one command takes the lock and reads every fact (each once), one releases it", async () => {
    const host = new FakeHost({ commands: [{ batch: { lock: {}, facts: { value: "new", shared: "s", later: "l" } }, sudo: true }, UNLOCK] });
    const [r] = await runHosts([inv("h")], [writes, reads] as Task[], async () => host, OPTS);
    host.assertDone();
    expect(r!.tasks.map((t) => [t.name, t.status, t.detail])).toEqual([
      ["writes", "unchanged", "value new, shared s"],
      ["reads", "unchanged", "later l, shared s"],
    ]);
    expect(host.calls).toHaveLength(2);
    // --report carries them: two commands on the host, none in a task.
    expect([r!.commands, r!.forwards, r!.tasks.map((t) => t.commands)]).toEqual([2, 0, [0, 0]]);
  });

  it("after a change, the facts of the tasks still to come are read again, together, before the next one plans", async () => {
    const host = new FakeHost({
      commands: [
        { batch: { lock: {}, facts: { value: "old", shared: "s", later: "before" } }, sudo: true },
        { argv: ["write"] },
        { batch: { facts: { shared: "s2", later: "after" } }, sudo: true },
        UNLOCK,
      ],
    });
    const [r] = await runHosts([inv("h")], [writes, reads] as Task[], async () => host, OPTS);
    host.assertDone();
    expect(r!.tasks.map((t) => [t.name, t.status, t.detail])).toEqual([
      ["writes", "changed", "write the value"],
      ["reads", "unchanged", "later after, shared s2"],
    ]);
    // The write is the writing task's command; the re-read, the reading task's.
    expect([r!.commands, r!.tasks.map((t) => t.commands)]).toEqual([4, [1, 1]]);
  });

  it("--check never reads twice, and a fact that failed fails only the task that needs it, naming the command", async () => {
    const host = new FakeHost({ commands: [{ batch: { lock: {}, facts: { value: "old", shared: "s", later: { code: 3, stdout: "", stderr: "provision-read: cannot read /x\n" } } }, sudo: true }, UNLOCK] });
    const [r] = await runHosts([inv("h")], [writes, reads] as Task[], async () => host, { ...OPTS, check: true });
    host.assertDone();
    expect(r!.tasks.map((t) => [t.name, t.status])).toEqual([["writes", "changed"], ["reads", "failed"]]);
    expect(r!.tasks[1]!.detail).toMatch(/`later script` failed with exit code 3[\s\S]*provision-read: cannot read \/x/);
  });
});
