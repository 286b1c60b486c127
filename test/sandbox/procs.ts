// Finds and kills the processes of one sandbox host (by the SANDBOX_HOSTDIR in their environment).
import { readdir, readFile } from "node:fs/promises";

/** Host-side pids whose environment carries SANDBOX_HOSTDIR=<dir> (the init, unshare, sshd...). */
export async function pidsOfHostDir(dir: string): Promise<number[]> {
  const needle = Buffer.from(`SANDBOX_HOSTDIR=${dir}\0`);
  const out: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const env = await readFile(`/proc/${entry}/environ`).catch(() => null);
    if (env && (env.indexOf(needle) === 0 || env.includes(Buffer.concat([Buffer.from([0]), needle])))) out.push(Number(entry));
  }
  return out;
}

/** True while the pid exists and is not a zombie. */
export async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (!stat) return false;
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

/** First child of a process (the namespace's PID 1 under unshare --fork), or null. */
export async function firstChild(pid: number): Promise<number | null> {
  const kids = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  const first = kids.trim().split(/\s+/)[0];
  return first ? Number(first) : null;
}

/** SIGKILLs the pids and waits (up to timeoutMs) until none is alive; returns the survivors. */
export async function killAndWait(pids: number[], timeoutMs = 5000): Promise<number[]> {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + timeoutMs;
  let left = pids;
  while (left.length && Date.now() < deadline) {
    const states = await Promise.all(left.map(alive));
    left = left.filter((_, i) => states[i]);
    if (left.length) await new Promise((r) => setTimeout(r, 20));
  }
  return left;
}

/** Mount points (in our namespace) at or below dir: there should never be any. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile("/proc/self/mountinfo", "utf8");
  return info
    .split("\n")
    .map((l) => l.split(" ")[4] ?? "")
    .filter((mp) => mp === dir || mp.startsWith(dir + "/"));
}
