// The measurements of one sitting, in order: hosts up and provisioned, the Ansible setup, traced runs (channels,
// the floor's commands), the interleaved rounds on bench-1, then 1..N hosts in one invocation.
import { loadavg } from "node:os";
import { INVENTORY_DIR } from "../../test/sandbox/paths.js";
import { ensureAnsible, prepareAnsible, runAnsible, type AnsibleRun } from "./ansible.js";
import { upHosts } from "./hosts.js";
import { BenchError, type Options } from "./options.js";
import { reportedCommands, slowestCheck, taskDurations, type ReportHost } from "./report.js";
import { cli, cliPath, distModule, floor, plain, type CliRun } from "./run.js";
import { stats, type Stats } from "./stats.js";

export interface Sitting {
  ansibleVersion?: string;
  hostsUpMs: number;
  firstRunMs: number;
  firstRunHosts: number;
  kinds: Record<"noVerify" | "withVerify" | "ansible" | "floor" | "node" | "help", Stats | undefined>;
  loads: number[][];
  channels: { noVerify: { execs: number; forwards: number; connections: number }; withVerify: { execs: number; forwards: number; connections: number } };
  reported?: { total: number; verify: number; besidesVerify: number };
  perTask: { task: string; status: string; ms: number }[];
  checks: { id: string; name: string; ms: Stats }[];
  slowest: string[];
  ansible?: { execs?: number; tasks?: number; files: number };
  scale: { hosts: number; wall: Stats; peakRssMb: number; cpuMs: Stats }[];
}

type Say = (m: string) => void;

/** The package names the playbook checks: provision's list and the Lua libraries installed on the host. */
async function packages(run: (cmd: string) => Promise<string>): Promise<string[]> {
  const { PACKAGES } = (await import(distModule("src/platform.js"))) as typeof import("../../src/platform.js");
  const lua = (await run("pacman -Qq | grep -E '^lua(5[0-9])?-' || true")).split("\n").filter(Boolean);
  return [...PACKAGES, ...lua];
}

export async function measure(o: Options, tmp: string, say: Say): Promise<Sitting> {
  const maxN = Math.max(...o.scale);
  const names = Array.from({ length: maxN }, (_, i) => `bench-${i + 1}`);
  const first = names[0]!;
  const ansibleVersion = o.ansible ? await ensureAnsible(say) : undefined;
  const { PATHS } = (await import(distModule("src/platform.js"))) as typeof import("../../src/platform.js");
  const { loadInventory } = (await import(distModule("src/inventory.js"))) as typeof import("../../src/inventory.js");

  say(`bringing up ${maxN} sandbox host(s) (jitsi-installed)`);
  const t = performance.now();
  const hosts = await upHosts(names);
  const hostsUpMs = performance.now() - t;
  const h1 = hosts[0]!;
  const hostArgs = (n: number) => names.slice(0, n).flatMap((x) => ["--host", x]);

  say(`first run on all ${maxN} host(s) at once (--no-verify)`);
  const firstRun = await cli([...hostArgs(maxN), "--parallel", String(maxN), "--no-verify"], tmp, "first run");

  say(`traced no-change runs on ${first} (SSH channels; the floor's commands)`);
  const tracedNoVerify = await cli(["--host", first, "--no-verify"], tmp, "traced no-change run --no-verify", { noChange: true, trace: true });
  const tracedWithVerify = await cli(["--host", first], tmp, "traced no-change run", { noChange: true, trace: true });
  const ch = (r: CliRun) => ({ execs: r.trace!.execs.length, forwards: r.trace!.forwards.length, connections: r.trace!.connections });

  let setup: Awaited<ReturnType<typeof prepareAnsible>> | undefined;
  if (o.ansible) {
    const domain = loadInventory(first, { dir: INVENTORY_DIR }).jitsi.domain;
    setup = await prepareAnsible(h1, domain, PATHS as unknown as Record<string, string>, await packages(async (c) => (await h1.exec(c)).stdout), tmp);
    say(`Ansible: ${setup.files} managed files read from ${first}`);
  }

  // Interleaved rounds: a warm-up (not counted), then o.runs rounds of every kind, one after another.
  const samples: Record<keyof Sitting["kinds"], number[]> = { noVerify: [], withVerify: [], ansible: [], floor: [], node: [], help: [] };
  const loads: number[][] = [];
  const withVerifyRuns: CliRun[] = [];
  let ansibleCount: AnsibleRun | undefined;
  for (let round = 0; round <= o.runs; round++) {
    const counted = round > 0;
    say(`${counted ? `round ${round}/${o.runs}` : "warm-up round"} on ${first}: provision --no-verify, provision, ${o.ansible ? "ansible-playbook, " : ""}the floor, node -e 0, provision --help`);
    const a = await cli(["--host", first, "--no-verify"], tmp, "no-change run --no-verify", { noChange: true });
    const b = await cli(["--host", first], tmp, "no-change run", { noChange: true });
    const c = setup ? await runAnsible(setup, tmp) : undefined;
    if (c && c.changed > 0) throw new BenchError(`Ansible's no-change run changed ${c.changed} thing(s): the playbook does not describe the state provision left`);
    const f = await floor(h1, tracedNoVerify.trace!, tmp);
    const n = await plain(["-e", "0"], tmp);
    const hp = await plain([cliPath(), "--help"], tmp);
    if (!counted) continue;
    samples.noVerify.push(a.ms);
    samples.withVerify.push(b.ms);
    withVerifyRuns.push(b);
    if (c) samples.ansible.push(c.ms);
    samples.floor.push(f.ms);
    samples.node.push(n.ms);
    samples.help.push(hp.ms);
    loads.push(loadavg());
  }
  if (setup) {
    say("Ansible once more with -vvv (its SSH execs)");
    ansibleCount = await runAnsible(setup, tmp, { count: true });
  }

  const scale: Sitting["scale"] = [];
  for (const n of o.scale) {
    say(`${n} host(s) in one invocation (--no-verify --parallel ${n}): ${o.scaleRuns}×`);
    const runs: CliRun[] = [];
    for (let i = 0; i < o.scaleRuns; i++) runs.push(await cli([...hostArgs(n), "--parallel", String(n), "--no-verify"], tmp, `no-change run on ${n} hosts`, { noChange: true }));
    scale.push({ hosts: n, wall: stats(runs.map((r) => r.ms)), peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)), cpuMs: stats(runs.map((r) => r.cpuMs)) });
  }

  const report1 = (r: CliRun): ReportHost => r.reports.find((x) => x.host === first) ?? r.reports[0]!;
  const byCheck = new Map<string, { id: string; name: string; ms: number[] }>();
  const slowest: string[] = [];
  for (const r of withVerifyRuns) {
    const checks = Array.isArray(report1(r).verification) ? (report1(r).verification as { id: string; name: string; ms?: number }[]) : [];
    for (const c of checks) if (typeof c.ms === "number") (byCheck.get(c.id) ?? byCheck.set(c.id, { id: c.id, name: c.name, ms: [] }).get(c.id)!).ms.push(c.ms);
    const s = slowestCheck(report1(r));
    if (s) slowest.push(s.name);
  }
  return {
    ansibleVersion,
    hostsUpMs,
    firstRunMs: firstRun.ms,
    firstRunHosts: maxN,
    kinds: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.length ? stats(v) : undefined])) as Sitting["kinds"],
    loads,
    channels: { noVerify: ch(tracedNoVerify), withVerify: ch(tracedWithVerify) },
    reported: reportedCommands(report1(tracedNoVerify)),
    perTask: taskDurations(report1(tracedWithVerify)),
    checks: [...byCheck.values()].map((c) => ({ id: c.id, name: c.name, ms: stats(c.ms) })),
    slowest,
    ansible: setup ? { execs: ansibleCount?.execs, tasks: ansibleCount?.tasks, files: setup.files } : undefined,
    scale,
  };
}
