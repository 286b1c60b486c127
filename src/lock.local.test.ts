// The lock scripts run for real: with sh on this machine, and through a real sshd whose session is killed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Host } from "./host/host.js";
import { connectSsh } from "./host/ssh.js";
import { startTestSshd, type TestSshd } from "../test/support/host/test-sshd.js";
import { ACQUIRE, acquireLock, RELEASE } from "./lock.js";

const isRoot = process.getuid?.() === 0;
const base = mkdtempSync(join(tmpdir(), "provision-lock-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
/** A fresh lock directory path (not created). */
const lockDir = () => join(base, `lock-${++n}`);

function acquire(dir: string, me: string, stale = "") {
  const r = spawnSync("sh", ["-c", ACQUIRE, "lock", dir, me, stale], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const holderOf = (dir: string) => readFileSync(join(dir, "holder"), "utf8");
/** pid:starttime of a process, as the script records a session. */
const sessionOf = (pid: number) => `${pid}:${readFileSync(`/proc/${pid}/stat`, "utf8").replace(/.*\) /s, "").split(" ")[19]}`;

describe("ACQUIRE / RELEASE (sh, this machine)", () => {
  it("takes a free lock, recording the holder and its session (- outside SSH)", () => {
    const dir = lockDir();
    expect(acquire(dir, "user=a control=m pid=1 since=t").code).toBe(0);
    expect(holderOf(dir)).toMatch(/^user=a control=m pid=1 since=t session=(-|\d+:\d+)\n$/);
    expect(acquire(dir, "user=b control=m pid=2 since=t")).toMatchObject({ code: 3, stdout: holderOf(dir) });
  });

  it("keeps a lock whose holder's session is alive; takes it over once that process is gone", async () => {
    const dir = lockDir();
    const sleeper = spawn("sleep", ["60"]);
    await new Promise((r) => sleeper.once("spawn", r));
    mkdirSync(dir);
    const old = `user=a control=m pid=1 since=t session=${sessionOf(sleeper.pid!)}`;
    writeFileSync(join(dir, "holder"), `${old}\n`);
    expect(acquire(dir, "user=b control=m pid=2 since=t")).toMatchObject({ code: 3, stdout: `${old}\n` });
    // The same pid with another start time is another process (a reused pid): gone.
    writeFileSync(join(dir, "holder"), `${old.replace(/:(\d+)$/, (_, s: string) => `:${Number(s) + 1}`)}\n`);
    expect(acquire(dir, "user=b control=m pid=2 since=t").code).toBe(5);
    rmSync(dir, { recursive: true });
    mkdirSync(dir);
    writeFileSync(join(dir, "holder"), `${old}\n`);
    sleeper.kill("SIGKILL");
    await new Promise((r) => sleeper.once("exit", r));
    const r = acquire(dir, "user=b control=m pid=2 since=t");
    expect(r).toMatchObject({ code: 5, stdout: `${old}\nits SSH session on the host (sshd pid ${sleeper.pid}) is gone\n` });
    expect(holderOf(dir)).toMatch(/^user=b control=m pid=2 since=t session=/);
  });

  it("takes over a lock the caller found stale only while it is still that holder's", () => {
    const dir = lockDir();
    expect(acquire(dir, "user=a control=m pid=1 since=t").code).toBe(0);
    const seen = holderOf(dir).trimEnd();
    expect(acquire(dir, "user=b control=m pid=2 since=t", "user=z control=m pid=9 since=t session=-").code).toBe(3);
    expect(acquire(dir, "user=b control=m pid=2 since=t", seen)).toMatchObject({ code: 5, stdout: `${seen}\nits process on the control machine is gone\n` });
    expect(acquire(dir, "user=c control=m pid=3 since=t", seen).code).toBe(3); // already taken over: not again
  });

  it("takes over a lock that names no holder only once it is a minute old", () => {
    const dir = lockDir();
    mkdirSync(dir);
    expect(acquire(dir, "user=b control=m pid=2 since=t")).toMatchObject({ code: 3, stdout: "unknown\n" });
    const old = new Date(Date.now() - 120_000);
    utimesSync(dir, old, old);
    expect(acquire(dir, "user=b control=m pid=2 since=t")).toMatchObject({ code: 5, stdout: expect.stringMatching(/^unknown\nthe lock names no holder and is 1\d\d s old\n$/) });
  });

  it("lets exactly one of many contenders take over a stale lock", async () => {
    const dir = lockDir();
    mkdirSync(dir);
    writeFileSync(join(dir, "holder"), "user=a control=m pid=1 since=t session=4194305:1\n");
    const codes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        new Promise<number | null>((resolve) => spawn("sh", ["-c", ACQUIRE, "lock", dir, `user=c${i} control=m pid=${i} since=t`, ""]).once("exit", resolve)),
      ),
    );
    expect(codes.filter((c) => c === 5)).toHaveLength(1);
    expect(codes.filter((c) => c === 3)).toHaveLength(11);
  });

  it("RELEASE removes the lock only while it is ours", () => {
    const dir = lockDir();
    expect(acquire(dir, "user=a control=m pid=1 since=t").code).toBe(0);
    spawnSync("sh", ["-c", RELEASE, "unlock", dir, "user=a control=m pid=11 since=t"]);
    expect(existsSync(dir)).toBe(true);
    spawnSync("sh", ["-c", RELEASE, "unlock", dir, "user=a control=m pid=1 since=t"]);
    expect(existsSync(dir)).toBe(false);
  });
});

describe.skipIf(!isRoot)("acquireLock through a real sshd", { timeout: 30_000 }, () => {
  let sshd: TestSshd;
  const settings = () => ({ host: sshd.address, port: sshd.port, user: "root", key: sshd.clientKey, knownHosts: join(sshd.dir, "known_hosts"), connectTimeoutMs: 5000, commandTimeoutMs: 20_000 });
  const connect = (name: string): Promise<Host> => connectSsh(name, settings(), { acceptNewHostKey: true, notice: () => undefined });
  beforeAll(async () => {
    sshd = await startTestSshd(["root"]);
  }, 30_000);
  afterAll(async () => {
    await sshd?.stop();
  });

  // Regression (docs/failure-modes.md #22): a run whose connection was lost left a lock the next run waited on for --lock-timeout, then failed.
  it("takes over the lock of a run whose SSH session was killed, saying so; a live holder is waited for", async () => {
    const dir = lockDir();
    const first = await connect("first");
    await acquireLock(first, { timeoutMs: 0, address: settings(), dir });
    const holder = readFileSync(join(dir, "holder"), "utf8");
    const session = /session=(\d+):\d+$/m.exec(holder)?.[1];
    expect(session, holder).toBeDefined();
    expect(readFileSync(`/proc/${session}/comm`, "utf8")).toMatch(/^sshd/);

    const second = await connect("second");
    try {
      // Alive: this run's own pid is alive on this machine and its session is up, so the lock is held.
      await expect(acquireLock(second, { timeoutMs: 0, address: settings(), dir })).rejects.toThrow(`another provision run holds the lock on ${sshd.address}:${sshd.port}`);
      spawnSync("kill", ["-KILL", session!]);
      await first.close();
      const notices: string[] = [];
      const lock = await acquireLock(second, { timeoutMs: 0, address: settings(), dir, notice: (m) => notices.push(m) });
      expect(notices).toEqual([expect.stringMatching(new RegExp(`^took over the stale provision lock on ${sshd.address}:${sshd.port} from .*: its SSH session on the host \\(sshd pid ${session}\\) is gone$`))]);
      await lock.release();
      expect(existsSync(dir)).toBe(false);
    } finally {
      await second.close();
    }
  });
});
