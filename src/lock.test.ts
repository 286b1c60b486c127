import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { HostError } from "./errors.js";
import { FakeHost, type ExpectedCommand } from "../test/support/host/fake-host.js";
import { acquireLock, describeHolder, goneFromThisMachine, LOCK_DIR, ourRecord, parseHolder, releaseAllLocks } from "./lock.js";

const ADDRESS = { host: "10.1.2.3", port: 2222, user: "arch" };
/** Above Linux's largest pid_max (2^22): never a running process. */
const DEAD_PID = 4_194_305;

/** Our holder record, as the lock and unlock scripts get it. */
const ME = /^user=\S+ control=\S+ pid=\d+ since=\S+$/;

/** The strict fake: the lock scripts are matched by label, the lock dir, our record and the record to take over. */
function fake(commands: ExpectedCommand[]): FakeHost & { raw: string[][] } {
  for (const c of commands) c.argv = c.argv?.[0] === "<lock>" ? [c.argv[0], c.argv[1]!, ME, c.argv[2]!] : c.argv?.[0] === "<unlock>" ? [...c.argv, ME] : c.argv;
  const h = new FakeHost({ name: "meet", commands });
  return Object.defineProperty(h, "raw", { get: () => h.calls.map((c) => c.argv) }) as FakeHost & { raw: string[][] };
}

describe("holder records", () => {
  it("records who we are in one line of fields, without spaces inside a field", () => {
    expect(ourRecord(new Date("2026-01-02T03:04:05Z"))).toMatch(new RegExp(`^user=\\S+ control=\\S+ pid=${process.pid} since=2026-01-02T03:04:05\\.000Z$`));
  });

  it("parses and describes the record (and the older format)", () => {
    const line = "user=alice control=laptop pid=42 since=2026-01-01T00:00:00Z session=1234:98765";
    expect(parseHolder(line)).toEqual({ user: "alice", control: "laptop", pid: 42, since: "2026-01-01T00:00:00Z", session: "1234:98765" });
    expect(describeHolder(line)).toBe("alice@laptop pid 42 since 2026-01-01T00:00:00Z (sshd pid 1234 on the host)");
    expect(parseHolder("bob@desk pid 7 since 2025-12-31T23:00:00Z")).toMatchObject({ user: "bob", control: "desk", pid: 7 });
    expect(describeHolder("garbage")).toBe("garbage");
  });

  it("a holder is gone from this machine only when it ran here and its pid is not running", () => {
    const here = `user=a control=${hostname()} pid=${DEAD_PID} since=x session=-`;
    expect(goneFromThisMachine(here)).toBe(true);
    expect(goneFromThisMachine(`user=a control=${hostname()} pid=${process.ppid} since=x session=-`)).toBe(false);
    expect(goneFromThisMachine(`user=a control=elsewhere-${hostname()} pid=${DEAD_PID} since=x session=-`)).toBe(false);
    expect(goneFromThisMachine(`user=a control=${hostname()} pid=${process.pid} since=x session=-`)).toBe(false);
  });
});

describe("acquireLock", () => {
  it("takes a free lock and releases it only as long as it is ours", async () => {
    const h = fake([{ argv: ["<lock>", LOCK_DIR, ""], sudo: true }, { argv: ["<unlock>", LOCK_DIR], sudo: true }]);
    const lock = await acquireLock(h, { timeoutMs: 1000, address: ADDRESS });
    await lock.release();
    await lock.release(); // once only
    h.assertDone();
    expect(h.raw[1]).toEqual(["sh", "-c", expect.stringContaining('"$2 session="*) rm -rf'), "unlock", LOCK_DIR, h.raw[0]![5]]);
  });

  // Found by test/e2e/faults.test.ts (Ctrl-C between a write and its restart, three hosts at once): the run was
  // releasing its lock when the interrupt's grace ran out; releaseAllLocks saw no lock held and the process exited
  // before the release reached the host, leaving the lock behind.
  it("releaseAllLocks waits for a release already under way", async () => {
    let unlocked = false;
    let slowUnlock!: Promise<void>;
    // The unlock takes 200 ms on the host.
    const h = fake([{ argv: ["<lock>", LOCK_DIR, ""], sudo: true }, { argv: ["<unlock>", LOCK_DIR], sudo: true, onStart: () => (slowUnlock = new Promise((r) => setTimeout(r, 200)).then(() => void (unlocked = true))), get until() { return slowUnlock; } }]);
    const lock = await acquireLock(h, { timeoutMs: 1000, address: ADDRESS });
    const runners = lock.release(); // the run's own release, on its way to the host
    await releaseAllLocks(2000); // Ctrl-C's, once the grace is over
    expect(unlocked).toBe(true);
    await runners;
    await releaseAllLocks(2000); // nothing held any more: returns at once, runs nothing
    h.assertDone();
  });

  // Regression (docs/failure-modes.md #22): after kill -9 or a lost connection the next run waited 120 s and failed.
  it("takes over a lock whose holder's SSH session on the host is gone, saying so", async () => {
    const old = "user=alice control=laptop pid=42 since=2026-01-01T00:00:00Z session=1234:98765";
    const h = fake([{ argv: ["<lock>", LOCK_DIR, ""], sudo: true, result: { code: 5, stdout: `${old}\nits SSH session on the host (sshd pid 1234) is gone\n` } }]);
    const notices: string[] = [];
    await acquireLock(h, { timeoutMs: 0, address: ADDRESS, notice: (m) => notices.push(m) });
    h.assertDone();
    expect(notices).toEqual(["took over the stale provision lock on 10.1.2.3:2222 from alice@laptop pid 42 since 2026-01-01T00:00:00Z (sshd pid 1234 on the host): its SSH session on the host (sshd pid 1234) is gone"]);
  });

  it("asks the host to take over a lock held by a process of this machine that no longer runs", async () => {
    const old = `user=bob control=${hostname()} pid=${DEAD_PID} since=2026-01-01T00:00:00Z session=55:66`;
    const h = fake([
      { argv: ["<lock>", LOCK_DIR, ""], sudo: true, result: { code: 3, stdout: `${old}\n` } },
      { argv: ["<lock>", LOCK_DIR, old], sudo: true, result: { code: 5, stdout: `${old}\nits process on the control machine is gone\n` } },
    ]);
    const notices: string[] = [];
    await acquireLock(h, { timeoutMs: 0, address: ADDRESS, notice: (m) => notices.push(m) });
    h.assertDone();
    expect(notices[0]).toMatch(new RegExp(`^took over the stale provision lock on 10\\.1\\.2\\.3:2222 from bob@\\S+ pid ${DEAD_PID} .*: its process on the control machine is gone$`));
  });

  it("waits for a live holder, then fails naming it and the host's real address in the fix", async () => {
    const other = "user=alice control=laptop pid=42 since=2026-01-01T00:00:00Z session=1234:98765";
    const h = fake(Array.from({ length: 2 }, () => ({ argv: ["<lock>", LOCK_DIR, ""], sudo: true, result: { code: 3, stdout: `${other}\n` } })));
    const e = (await acquireLock(h, { timeoutMs: 30, pollMs: 50, address: ADDRESS }).catch((x: unknown) => x)) as HostError;
    expect(e).toBeInstanceOf(HostError);
    expect(e.message).toBe("another provision run holds the lock on 10.1.2.3:2222: alice@laptop pid 42 since 2026-01-01T00:00:00Z (sshd pid 1234 on the host)");
    expect(e.fix).toBe(`wait for that run to finish (or raise --lock-timeout); if no run is active, remove the stale lock: ssh -p 2222 arch@10.1.2.3 sudo rm -r ${LOCK_DIR}`);
    expect(e.format()).not.toMatch(/ssh meet /);
  });

  it("names the jump hosts in the fix's ssh command for a host behind a bastion", async () => {
    const other = "user=alice control=laptop pid=42 since=2026-01-01T00:00:00Z session=-";
    const h = fake(Array.from({ length: 2 }, () => ({ argv: ["<lock>", LOCK_DIR, ""], sudo: true, result: { code: 3, stdout: `${other}\n` } })));
    const address = { ...ADDRESS, jump: [{ host: "bastion.example.org", port: 22, user: "ops" }, { host: "10.0.0.1", port: 2200, user: "ops" }] };
    const e = (await acquireLock(h, { timeoutMs: 30, pollMs: 50, address }).catch((x: unknown) => x)) as HostError;
    expect(e.fix).toMatch(/remove the stale lock: ssh -J ops@bastion\.example\.org,ops@10\.0\.0\.1:2200 -p 2222 arch@10\.1\.2\.3 sudo rm -r /);
  });

  it("stops waiting when the run is interrupted", async () => {
    const h = fake([{ argv: ["<lock>", LOCK_DIR, ""], sudo: true, result: { code: 3, stdout: "user=a control=b pid=1 since=c session=-\n" } }]);
    const controller = new AbortController();
    const t0 = Date.now();
    const p = acquireLock(h, { timeoutMs: 60_000, pollMs: 30_000, address: ADDRESS, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(p).rejects.toThrow("stop");
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
