// Measures bringing up 20 sandbox hosts in parallel (time, memory), then takes them down: tsx test/sandbox/bench-20.ts
import { execFile } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { promisify } from "node:util";
import { downHost, upHost } from "./host.js";

const run = promisify(execFile);
const N = Number(process.argv[2] ?? 20);
const state = (process.argv[3] ?? "fresh") as "fresh" | "jitsi-installed";

/** Used memory in MB (MemTotal - MemAvailable). */
async function usedMb(): Promise<number> {
  const { stdout } = await run("awk", ['/MemTotal/{t=$2} /MemAvailable/{a=$2} END{print int((t-a)/1024)}', "/proc/meminfo"]);
  return Number(stdout.trim());
}

/** Proportional set size (MB) of every process in the pid namespace of `pid`. */
async function pssMb(pid: number): Promise<number> {
  const ns = await readlink(`/proc/${pid}/ns/pid`);
  let kb = 0;
  for (const e of await readdir("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    if ((await readlink(`/proc/${e}/ns/pid`).catch(() => "")) !== ns) continue;
    const m = /^Pss:\s+(\d+)/m.exec(await readFile(`/proc/${e}/smaps_rollup`, "utf8").catch(() => ""));
    kb += Number(m?.[1] ?? 0);
  }
  return kb / 1024;
}

// Not bench-N: those are `npm run bench`'s hosts.
const names = Array.from({ length: N }, (_, i) => `up${N}-${i}`);
const before = await usedMb();
const t = Date.now();
try {
  const hosts = await Promise.all(names.map((n) => upHost(n, { state })));
  const upMs = Date.now() - t;
  await new Promise((r) => setTimeout(r, 1000));
  const after = await usedMb();
  const pss = (await Promise.all(hosts.map((h) => pssMb(h.pid)))).reduce((a, b) => a + b, 0);
  const t2 = Date.now();
  const ok = await Promise.all(hosts.map((h) => run("ssh", ["-o", "BatchMode=yes", "-o", `UserKnownHostsFile=${h.knownHostsFile}`, "-i", h.keyFile, `arch@${h.ip}`, "true"]).then(() => 1, () => 0)));
  console.log(`${N} hosts (${state}) up in parallel: ${upMs} ms; PSS ${pss.toFixed(0)} MB (${(pss / N).toFixed(1)} MB/host; machine used +${after - before} MB, noisy); ssh true on all: ${Date.now() - t2} ms, ${ok.reduce((a: number, b: number) => a + b, 0)}/${N} ok`);
} finally {
  const t3 = Date.now();
  await Promise.all(names.map((n) => downHost(n)));
  console.log(`down: ${Date.now() - t3} ms`);
}
