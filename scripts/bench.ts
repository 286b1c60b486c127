// npm run bench: provision beside Ansible on sandbox hosts (the targets of docs/benchmark.md as defaults). Brings up bench-1..N,
// measures (scripts/bench/measure.ts), prints the verdicts, writes docs/benchmark.md (and --json), tears every host
// down at the end, on an error and on Ctrl-C. Exit codes: scripts/bench/options.ts (EXIT), documented in the doc.
import { execa } from "execa";
import { cpus, release, totalmem, tmpdir } from "node:os";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO } from "../test/sandbox/paths.js";
import { renderDoc, type Machine } from "./bench/doc.js";
import { teardown } from "./bench/hosts.js";
import { measure, type Sitting } from "./bench/measure.js";
import { BenchError, EXIT, parseOptions, USAGE, UsageError, type Options } from "./bench/options.js";
import { snapshotDist } from "./bench/run.js";
import { statsMs } from "./bench/stats.js";
import { evaluateTargets, formatVerdict } from "./bench/targets.js";

const say = (m: string) => console.error(`bench: ${m}`);
let interrupted = false;

async function machine(): Promise<Machine> {
  const git = async (...a: string[]) => String((await execa("git", a, { cwd: REPO, reject: false })).stdout).trim();
  const os = /PRETTY_NAME="([^"]+)"/.exec(await readFile("/etc/os-release", "utf8").catch(() => ""))?.[1] ?? "unknown OS";
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
    cores: cpus().length,
    memGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    os,
    node: process.version,
    commit: await git("rev-parse", "--short", "HEAD"),
    dirty: (await git("status", "--porcelain", "--", "src", "tasks")) !== "",
  };
}

function figures(s: Sitting) {
  const k = s.kinds;
  const most = s.scale.at(-1);
  const one = s.scale.find((x) => x.hosts === 1);
  return {
    noVerifyMs: k.noVerify!.median,
    withVerifyMs: k.withVerify!.median,
    floorMs: k.floor!.median,
    ansibleMs: k.ansible?.median,
    nodeMs: k.node!.median,
    helpMs: k.help!.median,
    commandsPerHost: s.reported?.besidesVerify ?? s.channels.noVerify.execs,
    scale: most && one && most.hosts > 1 ? { hosts: most.hosts, peakRssMb: most.peakRssMb, cpuMsPerHost: most.cpuMs.median / most.hosts, oneHostCpuMs: one.cpuMs.median } : undefined,
  };
}

async function main(o: Options): Promise<number> {
  const tmp = await mkdtemp(join(tmpdir(), "provision-bench-"));
  const dropSnapshot = await snapshotDist();
  try {
    const m = await machine();
    const s = await measure(o, tmp, say);
    const verdicts = evaluateTargets(figures(s), o.targets);
    const notes = await readFile(join(REPO, "scripts", "bench", "notes.md"), "utf8").catch(() => undefined);
    const doc = renderDoc(m, o, s, verdicts, notes);
    console.log(doc);
    if (o.doc) {
      await writeFile(join(REPO, o.doc), doc);
      say(`wrote ${o.doc}`);
    }
    if (o.json) {
      const kinds = Object.fromEntries(Object.entries(s.kinds).map(([n, v]) => [n, v && statsMs(v)]));
      await writeFile(o.json, `${JSON.stringify({ machine: m, options: o, ...s, kinds, verdicts }, null, 2)}\n`);
      say(`wrote ${o.json}`);
    }
    for (const v of verdicts) say(formatVerdict(v));
    return verdicts.every((v) => v.met) ? EXIT.met : EXIT.missed;
  } finally {
    await dropSnapshot();
    await rm(tmp, { recursive: true, force: true });
  }
}

let o: Options;
try {
  o = parseOptions(process.argv.slice(2));
} catch (e) {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(e instanceof UsageError ? EXIT.usage : EXIT.broken);
}
if (o.help) {
  console.log(USAGE);
  process.exit(EXIT.met);
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    interrupted = true;
    say(sig === "SIGINT" ? "interrupted" : "terminated");
    void teardown(say).then(() => process.exit(sig === "SIGINT" ? EXIT.interrupted : 143));
  });
}
main(o)
  .then(async (code) => {
    await teardown(say);
    process.exit(code);
  })
  .catch(async (e: unknown) => {
    if (interrupted) return; // the signal handler tears down and exits
    say(e instanceof BenchError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e));
    await teardown(say);
    process.exit(EXIT.broken);
  });
