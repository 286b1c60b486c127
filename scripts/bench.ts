// npm run bench: the project's benchmark. Brings up N sandbox hosts, measures the BUILT CLI as a user runs it
// (first run, no-change re-runs with and without verification, `provision verify`, all hosts at once), counts the
// SSH commands of a no-change run with an in-process instrumented run, prints a table, writes JSON, and checks the
// speed targets (exit 1 when one is missed). Hosts are torn down at the end, on error and on Ctrl-C.
// Flags: see USAGE below; docs/benchmark.md explains the figures and the targets.
import { execa, type ResultPromise } from "execa";
import { cpus, loadavg, tmpdir } from "node:os";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { realpathSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Host } from "../src/host/host.js";
import type { HostReport } from "../src/runner.js";
import type { Task } from "../src/task.js";
import { downHost, upHost, type HostState, type SandboxHost } from "../test/sandbox/host.js";
import { INVENTORY_DIR, REPO } from "../test/sandbox/paths.js";

const USAGE = `usage: npm run bench -- [options]
  --hosts N                 sandbox hosts bench-1..bench-N (default 5)
  --state S                 jitsi-installed (default) or fresh (the first run then includes the bootstrap)
  --runs R                  repetitions of each repeated measurement (default 5)
  --json FILE               also write the results as JSON
  --max-noop S              target: no-change run with verification, median seconds (default 8)
  --max-noop-no-verify S    target: no-change run with --no-verify, median seconds (default 5)
  --max-parallel-ratio X    target: N hosts no-change / one host no-change, medians (default 2.5)
  --max-ssh-commands N      target: SSH commands of one no-change run with verification (default 30)
exit: 0 every target met, 1 a target missed, 2 the benchmark itself failed (a host or a run broke)`;

// ---------------------------------------------------------------- options

interface Options {
  hosts: number;
  state: HostState;
  runs: number;
  json?: string;
  targets: { noopS: number; noopNoVerifyS: number; parallelRatio: number; sshCommands: number };
}

class BenchError extends Error {}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      hosts: { type: "string", default: "5" },
      state: { type: "string", default: "jitsi-installed" },
      runs: { type: "string", default: "5" },
      json: { type: "string" },
      "max-noop": { type: "string", default: "8" },
      "max-noop-no-verify": { type: "string", default: "5" },
      "max-parallel-ratio": { type: "string", default: "2.5" },
      "max-ssh-commands": { type: "string", default: "30" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = (flag: string, v: string, int: boolean): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n))) throw new BenchError(`--${flag} must be a positive ${int ? "whole " : ""}number, got '${v}'`);
    return n;
  };
  if (values.state !== "fresh" && values.state !== "jitsi-installed") throw new BenchError(`--state must be fresh or jitsi-installed, got '${values.state}'`);
  return {
    hosts: num("hosts", values.hosts, true),
    state: values.state,
    runs: num("runs", values.runs, true),
    json: values.json,
    targets: {
      noopS: num("max-noop", values["max-noop"], false),
      noopNoVerifyS: num("max-noop-no-verify", values["max-noop-no-verify"], false),
      parallelRatio: num("max-parallel-ratio", values["max-parallel-ratio"], false),
      sshCommands: num("max-ssh-commands", values["max-ssh-commands"], true),
    },
  };
}

// ---------------------------------------------------------------- statistics

interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)!, samples };
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------- the built CLI, as a user runs it

const CLI = join(REPO, "dist", "src", "cli.js");
let current: ResultPromise | undefined;

export interface CliRun {
  ms: number;
  stdout: string;
  reports?: HostReport[];
}

/** Per-task durations of one run. */
interface TaskTiming {
  task: string;
  status: string;
  ms: number;
}

/** Run `provision ARGS`; a non-zero exit (or a failed host in the report) is a BenchError. */
async function cli(args: string[], tmp: string, what: string): Promise<CliRun> {
  const reportFile = join(tmp, `report-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const t0 = performance.now();
  // The sandbox's inventories live in its own directory (test/sandbox/paths.ts), never in ./inventory.
  const env = { FORCE_COLOR: "0", PROVISION_INVENTORY_DIR: INVENTORY_DIR };
  current = execa("node", [CLI, ...args, "--report", reportFile], { cwd: REPO, reject: false, all: true, env, timeout: 20 * 60_000 });
  const r = await current;
  const ms = performance.now() - t0;
  current = undefined;
  if (r.exitCode !== 0)
    throw new BenchError(`${what}: provision ${args.join(" ")} exited ${r.exitCode ?? r.signal}:\n${String(r.all ?? "").split("\n").slice(-25).join("\n")}`);
  const reports = JSON.parse(await readFile(reportFile, "utf8")) as HostReport[];
  await rm(reportFile, { force: true });
  return { ms, stdout: String(r.stdout), reports };
}

/** A no-change run must change nothing on any host, or it measures something else. */
function expectNoChange(run: CliRun, what: string): void {
  const changed = (run.reports ?? []).filter((r) => r.changes > 0 || r.restarts.length > 0);
  if (changed.length)
    throw new BenchError(`${what} was meant to change nothing, but changed: ${changed.map((r) => `${r.host} (${r.tasks.filter((t) => t.status === "changed").map((t) => t.name).join(", ")})`).join("; ")}`);
}

/**
 * Per-task durations of a single-host CLI run: from the report when it carries them, otherwise from the
 * progress lines the CLI prints when stdout is not a TTY ("› prosody: unchanged (23 ms)").
 */
export function taskTimings(run: CliRun): { source: string; tasks: TaskTiming[] } {
  const fromReport = (run.reports?.[0]?.tasks ?? []).flatMap((t) => {
    const ms = (t as unknown as Record<string, unknown>).durationMs ?? (t as unknown as Record<string, unknown>).ms;
    return typeof ms === "number" ? [{ task: t.name, status: t.status, ms }] : [];
  });
  if (fromReport.length) return { source: "report", tasks: fromReport };
  const tasks = [...run.stdout.matchAll(/^› ([\w-]+): (changed|unchanged|skipped|failed) \((\d+) ms\)$/gmu)].map((m) => ({ task: m[1]!, status: m[2]!, ms: Number(m[3]) }));
  return { source: tasks.length ? "CLI progress lines (the report has no durations)" : "none (neither the report nor the output has durations)", tasks };
}

async function repeat(n: number, f: () => Promise<number>): Promise<Stats> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) samples.push(await f());
  return stats(samples);
}

/** SSH connections sshd accepted so far (its log shows logins, not the exec requests). */
async function sshdLogins(h: SandboxHost): Promise<number> {
  const r = await h.exec("grep -c 'Accepted publickey' /var/log/sshd.log || true");
  return Number(r.stdout.trim()) || 0;
}

// ---------------------------------------------------------------- SSH commands of a no-change run (in-process, instrumented)

interface CommandRecord {
  phase: string;
  kind: "run" | "check" | "readFile" | "writeFile" | "forward";
  /** argv head only (argv never carries secrets; stdin is not recorded). */
  label: string;
  ms: number;
}

interface PhaseRecord {
  phase: string;
  ms: number;
  commands: number;
  forwards: number;
  commandMs: number;
}

interface Trace {
  wallMs: number;
  commands: number;
  forwards: number;
  connections: number;
  phases: PhaseRecord[];
  log: CommandRecord[];
}

/** A short, secret-free name for a command: `sh -c SCRIPT NAME ARGS` → `sh:NAME ARGS`. */
export function label(argv: readonly string[]): string {
  const words = argv[0] === "sh" && argv[1] === "-c" ? [`sh:${argv[3] ?? "?"}`, ...argv.slice(4)] : [...argv];
  // Inline scripts (Lua, shell) passed as arguments: one line, cut short.
  const text = words.map((w) => w.replace(/\s+/g, " ")).map((w) => (w.length > 40 ? `${w.slice(0, 37)}...` : w)).join(" ");
  return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

/**
 * One provision run on `name` in this process, through the built runner and tasks, with a connector that wraps the
 * real SSH host to count and time every command and attribute it to the task running at the time.
 */
async function tracedRun(name: string, verify: boolean): Promise<Trace> {
  const dist = (p: string) => pathToFileURL(join(REPO, "dist", p)).href;
  const { runHosts } = (await import(dist("src/runner.js"))) as typeof import("../src/runner.js");
  const { TASKS } = (await import(dist("tasks/index.js"))) as typeof import("../tasks/index.js");
  const { connectSsh } = (await import(dist("src/host/ssh.js"))) as typeof import("../src/host/ssh.js");
  const { loadInventory } = (await import(dist("src/inventory.js"))) as typeof import("../src/inventory.js");
  const { LOCK_DIR } = (await import(dist("src/lock.js"))) as typeof import("../src/lock.js");

  const log: CommandRecord[] = [];
  const phases: { phase: string; start: number; end?: number }[] = [];
  let phase = "";
  const enter = (p: string) => {
    if (p === phase) return;
    const now = performance.now();
    const last = phases.at(-1);
    if (last && last.end === undefined) last.end = now;
    phases.push({ phase: p, start: now });
    phase = p;
  };
  let connections = 0;

  const counting = (inner: Host): Host => {
    const timed = async <T>(kind: CommandRecord["kind"], what: string, f: () => Promise<T>, at = phase): Promise<T> => {
      const t0 = performance.now();
      try {
        return await f();
      } finally {
        log.push({ phase: at, kind, label: what, ms: performance.now() - t0 });
      }
    };
    // The lock is taken before the first task and released after the last; name those commands "lock".
    // Taking it happens in the "lock" phase (entered after connect); releasing it gets its own phase.
    const lockPhase = (argv: readonly string[]): string => {
      if (argv.includes(LOCK_DIR) && phase !== "lock") enter("unlock");
      return phase;
    };
    return {
      name: inner.name,
      run: (argv, o) => timed("run", label(argv), () => inner.run(argv, o), lockPhase(argv)),
      check: (argv, o) => timed("check", label(argv), () => inner.check(argv, o), lockPhase(argv)),
      readFile: (p, o) => timed("readFile", `cat ${p}`, () => inner.readFile(p, o)),
      writeFile: (p, c, o) => timed("writeFile", `write ${p}`, () => inner.writeFile(p, c, o)),
      forward: (a, p) => timed("forward", `forward ${a}:${p}`, () => inner.forward(a, p)),
      close: async () => {
        enter("close");
        await inner.close();
        enter("done");
      },
    };
  };

  const tasks = TASKS.map((t: Task): Task => ({
    ...t,
    gather: (ctx) => {
      enter(t.name);
      return t.gather(ctx);
    },
  }));

  const inv = loadInventory(name, { dir: INVENTORY_DIR });
  const t0 = performance.now();
  enter("connect");
  const reports = await runHosts(
    [inv],
    tasks,
    async (i) => {
      connections++;
      const host = await connectSsh(i.name, i.ssh);
      enter("lock");
      return counting(host);
    },
    { check: false, diff: false, skip: verify ? [] : ["verify"], parallel: 1, lockTimeoutMs: 120_000, renderer: "silent" },
  );
  const wallMs = performance.now() - t0;
  const last = phases.at(-1);
  if (last && last.end === undefined) last.end = performance.now();
  const report = reports[0]!;
  if (!report.ok) throw new BenchError(`instrumented run on ${name} failed: ${report.error}`);
  if (report.changes > 0) throw new BenchError(`instrumented run on ${name} was meant to change nothing, but changed ${report.changes} thing(s)`);

  const byPhase = new Map<string, PhaseRecord>();
  for (const p of phases) {
    if (p.phase === "done") continue;
    const rec = byPhase.get(p.phase) ?? { phase: p.phase, ms: 0, commands: 0, forwards: 0, commandMs: 0 };
    rec.ms += (p.end ?? p.start) - p.start;
    byPhase.set(p.phase, rec);
  }
  for (const c of log) {
    const rec = byPhase.get(c.phase) ?? { phase: c.phase, ms: 0, commands: 0, forwards: 0, commandMs: 0 };
    if (c.kind === "forward") rec.forwards++;
    else rec.commands++;
    rec.commandMs += c.ms;
    byPhase.set(c.phase, rec);
  }
  return {
    wallMs,
    commands: log.filter((c) => c.kind !== "forward").length,
    forwards: log.filter((c) => c.kind === "forward").length,
    connections,
    phases: [...byPhase.values()],
    log,
  };
}

// ---------------------------------------------------------------- hosts, teardown

const started = new Set<string>();
let teardownPromise: Promise<void> | undefined;
let interrupted = false;

function teardown(): Promise<void> {
  return (teardownPromise ??= (async () => {
    if (current) current.kill("SIGTERM");
    const names = [...started];
    if (!names.length) return;
    console.error(`bench: tearing down ${names.join(", ")}`);
    const results = await Promise.allSettled(names.map((n) => downHost(n)));
    results.forEach((r, i) => {
      if (r.status === "rejected") console.error(`bench: teardown of ${names[i]} failed: ${r.reason}`);
    });
  })());
}


async function up(name: string, state: HostState): Promise<SandboxHost> {
  try {
    // Recorded before upHost resolves, so a Ctrl-C during bring-up still tears the host down.
    started.add(name);
    return await upHost(name, { state });
  } catch (e) {
    // Someone else's host of that name: leave it alone.
    if (/already exists/.test(String(e))) started.delete(name);
    throw e;
  }
}

// ---------------------------------------------------------------- the benchmark

interface Target {
  name: string;
  measured: number;
  limit: number;
  unit: string;
  pass: boolean;
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const names = Array.from({ length: o.hosts }, (_, i) => `bench-${i + 1}`);
  const first = names[0]!;
  const tmp = await mkdtemp(join(tmpdir(), "provision-bench-"));
  const hostArgs = names.flatMap((n) => ["--host", n]);
  const say = (m: string) => console.error(`bench: ${m}`);

  try {
    say(`bringing up ${o.hosts} sandbox host(s) (${o.state}): ${names.join(", ")}`);
    const t = performance.now();
    const hosts = await Promise.all(names.map((n) => up(n, o.state)));
    const upMs = performance.now() - t;

    // CLI start-up (Node + module loading, no SSH): `provision tasks`.
    const startup = await repeat(o.runs, async () => (await cliPlain(["tasks"])).ms);

    // a. first run on one host.
    say(`first run on ${first}`);
    const firstRun = await cli(["--host", first], tmp, "first run");
    const firstTasks = taskTimings(firstRun);
    // A second run should change nothing; when it does (a task that does not converge in one run), say so and
    // measure the no-change runs after it.
    say(`second run on ${first} (should change nothing)`);
    const secondRun = await cli(["--host", first], tmp, "second run");
    const notConverged = (secondRun.reports ?? []).flatMap((r) => r.tasks.filter((x) => x.status === "changed").map((x) => `${x.name}: ${x.detail}`));
    if (notConverged.length) say(`WARNING: the second run changed things (not idempotent after one run):\n  ${notConverged.join("\n  ")}`);

    // b. no-change re-runs on that host, with and without verification.
    say(`no-change runs on ${first}: ${o.runs}× with verification, ${o.runs}× --no-verify`);
    let noopTasks: { source: string; tasks: TaskTiming[] } | undefined;
    const loginsBefore = await sshdLogins(hosts[0]!);
    const noop = await repeat(o.runs, async () => {
      const r = await cli(["--host", first], tmp, "no-change run");
      expectNoChange(r, "no-change run");
      noopTasks ??= taskTimings(r);
      return r.ms;
    });
    const loginsPerRun = ((await sshdLogins(hosts[0]!)) - loginsBefore) / o.runs;
    const noopNoVerify = await repeat(o.runs, async () => {
      const r = await cli(["--host", first, "--no-verify"], tmp, "no-change run --no-verify");
      expectNoChange(r, "no-change run --no-verify");
      return r.ms;
    });

    // e. provision verify alone.
    say(`provision verify on ${first}: ${o.runs}×`);
    const verifyOnly = await repeat(o.runs, async () => (await cli(["verify", "--host", first], tmp, "provision verify")).ms);

    // c. SSH commands of a no-change run, counted in-process through the built runner and tasks.
    say(`instrumented no-change runs on ${first} (SSH command count)`);
    const traced = await tracedRun(first, true);
    const tracedNoVerify = await tracedRun(first, false);

    // d. all N hosts in one invocation. bench-1 is provisioned by now: bring it up again so the first run is first everywhere.
    say(`re-creating ${first} so all ${o.hosts} hosts start from ${o.state}`);
    await downHost(first);
    started.delete(first);
    hosts[0] = await up(first, o.state);
    say(`first run on all ${o.hosts} hosts at once (--parallel ${o.hosts})`);
    const parallelFirst = await cli([...hostArgs, "--parallel", String(o.hosts)], tmp, `first run on ${o.hosts} hosts`);
    say(`no-change runs on all ${o.hosts} hosts at once: ${o.runs}×`);
    const parallelNoop = await repeat(o.runs, async () => {
      const r = await cli([...hostArgs, "--parallel", String(o.hosts)], tmp, `no-change run on ${o.hosts} hosts`);
      expectNoChange(r, `no-change run on ${o.hosts} hosts`);
      return r.ms;
    });

    // ------------------------------------------------ verdicts
    const parallelRatio = parallelNoop.median / noop.median;
    const targets: Target[] = [
      { name: "no-change run, with verification (median)", measured: noop.median / 1000, limit: o.targets.noopS, unit: "s", pass: noop.median / 1000 <= o.targets.noopS },
      { name: "no-change run, --no-verify (median)", measured: noopNoVerify.median / 1000, limit: o.targets.noopNoVerifyS, unit: "s", pass: noopNoVerify.median / 1000 <= o.targets.noopNoVerifyS },
      { name: `${o.hosts} hosts no-change / 1 host no-change`, measured: parallelRatio, limit: o.targets.parallelRatio, unit: "×", pass: parallelRatio <= o.targets.parallelRatio },
      { name: "SSH commands in a no-change run", measured: traced.commands, limit: o.targets.sshCommands, unit: "", pass: traced.commands <= o.targets.sshCommands },
    ];

    // ------------------------------------------------ output
    const rows: [string, string, string, string][] = [
      ["measurement", "median", "min", "max"],
      [`${o.hosts} sandbox hosts up (${o.state}, once)`, sec(upMs), "", ""],
      ["CLI start-up (provision tasks)", sec(startup.median), sec(startup.min), sec(startup.max)],
      [`first run, 1 host (once)`, sec(firstRun.ms), "", ""],
      ["no-change run, 1 host", sec(noop.median), sec(noop.min), sec(noop.max)],
      ["no-change run --no-verify, 1 host", sec(noopNoVerify.median), sec(noopNoVerify.min), sec(noopNoVerify.max)],
      ["provision verify, 1 host", sec(verifyOnly.median), sec(verifyOnly.min), sec(verifyOnly.max)],
      ["no-change run in-process (no CLI start-up, once)", sec(traced.wallMs), "", ""],
      ["no-change run --no-verify in-process (once)", sec(tracedNoVerify.wallMs), "", ""],
      [`first run, ${o.hosts} hosts --parallel ${o.hosts} (once)`, sec(parallelFirst.ms), "", ""],
      [`no-change run, ${o.hosts} hosts --parallel ${o.hosts}`, sec(parallelNoop.median), sec(parallelNoop.min), sec(parallelNoop.max)],
    ];
    const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  ");
    const out: string[] = [];
    out.push("", `provision benchmark — ${o.hosts} host(s), ${o.state}, ${o.runs} runs each; ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`, "");
    out.push(line(rows[0]!), w.map((n) => "-".repeat(n)).join("  "), ...rows.slice(1).map(line));
    out.push("");
    out.push(`ratios: ${o.hosts} hosts / 1 host no-change ${parallelRatio.toFixed(2)}× (ideal 1×, fully serial ${o.hosts}×); first run ${(parallelFirst.ms / firstRun.ms).toFixed(2)}×`);
    out.push(`        CLI no-change / in-process no-change ${(noop.median / traced.wallMs).toFixed(2)}×; verification adds ${sec(noop.median - noopNoVerify.median)} to a no-change run`);
    out.push(`SSH: ${traced.commands} commands + ${traced.forwards} forwarded channels on ${traced.connections} connection in a no-change run (${tracedNoVerify.commands} + ${tracedNoVerify.forwards} with --no-verify); sshd logins per CLI no-change run: ${loginsPerRun}`);
    out.push("");
    out.push(`no-change run, per task (in-process instrumented run; wall = task time, cmd = time spent waiting on its commands):`);
    const phaseRows = traced.phases.map((p) => [p.phase, `${Math.round(p.ms)} ms`, String(p.commands), p.forwards ? String(p.forwards) : "", `${Math.round(p.commandMs)} ms`]);
    const pr = [["phase", "wall", "commands", "forwards", "cmd"], ...phaseRows];
    const pw = [0, 1, 2, 3, 4].map((c) => Math.max(...pr.map((r) => r[c]!.length)));
    for (const r of pr) out.push("  " + r.map((c, i) => (i === 0 ? c.padEnd(pw[i]!) : c.padStart(pw[i]!))).join("  "));
    const slowest = [...traced.log].sort((a, b) => b.ms - a.ms).slice(0, 5);
    out.push("", "slowest commands of that run:");
    for (const c of slowest) out.push(`  ${`${Math.round(c.ms)} ms`.padStart(8)}  ${c.phase.padEnd(12)} ${c.kind === "run" || c.kind === "check" ? "" : `${c.kind} `}${c.label}`);
    if (notConverged.length) out.push("", `WARNING: the run after the first run changed things (${sec(secondRun.ms)}):`, ...notConverged.map((x) => `  ${x}`));
    if (firstTasks.tasks.length) {
      out.push("", `first run, per task (${firstTasks.source}):`);
      out.push("  " + firstTasks.tasks.map((x) => `${x.task} ${x.ms} ms`).join(", "));
    } else out.push("", `first run, per task: ${firstTasks.source}`);
    out.push("", "targets:");
    for (const tg of targets)
      out.push(`  ${tg.pass ? "PASS" : "FAIL"}  ${tg.name.padEnd(46)} ${tg.unit === "" ? tg.measured : tg.measured.toFixed(2)}${tg.unit === "s" ? " s" : tg.unit} ≤ ${tg.limit}${tg.unit === "s" ? " s" : tg.unit}`);
    console.log(out.join("\n"));

    if (o.json) {
      const json = {
        when: new Date().toISOString(),
        machine: { cores: cpus().length, loadavg: loadavg().map((l) => round(l, 2)), node: process.version },
        options: { hosts: o.hosts, state: o.state, runs: o.runs },
        source: await sourceState(),
        secondRunChanged: notConverged,
        ms: {
          hostsUp: round(upMs, 0),
          cliStartup: statsMs(startup),
          firstRun: round(firstRun.ms, 0),
          noChange: statsMs(noop),
          noChangeNoVerify: statsMs(noopNoVerify),
          verify: statsMs(verifyOnly),
          noChangeInProcess: round(traced.wallMs, 0),
          noChangeNoVerifyInProcess: round(tracedNoVerify.wallMs, 0),
          parallelFirstRun: round(parallelFirst.ms, 0),
          parallelNoChange: statsMs(parallelNoop),
        },
        ratios: { parallelNoChange: round(parallelRatio), parallelFirstRun: round(parallelFirst.ms / firstRun.ms), cliOverInProcess: round(noop.median / traced.wallMs) },
        ssh: {
          noChange: { commands: traced.commands, forwards: traced.forwards, connections: traced.connections },
          noChangeNoVerify: { commands: tracedNoVerify.commands, forwards: tracedNoVerify.forwards, connections: tracedNoVerify.connections },
          sshdLoginsPerCliRun: loginsPerRun,
          phasesNoVerify: tracedNoVerify.phases.map((p) => ({ ...p, ms: round(p.ms, 0), commandMs: round(p.commandMs, 0) })),
          phases: traced.phases.map((p) => ({ ...p, ms: round(p.ms, 0), commandMs: round(p.commandMs, 0) })),
          commands: traced.log.map((c) => ({ ...c, ms: round(c.ms, 0) })),
        },
        perTask: { firstRun: firstTasks, noChange: noopTasks },
        targets,
        pass: targets.every((x) => x.pass),
      };
      await writeFile(o.json, `${JSON.stringify(json, null, 2)}\n`);
      say(`wrote ${o.json}`);
    }
    return targets.every((x) => x.pass) ? 0 : 1;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The commit measured, and whether src/ or tasks/ had uncommitted edits (the build is of the working tree). */
async function sourceState(): Promise<{ commit: string; dirty: string[] }> {
  const head = await execa("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO, reject: false });
  const st = await execa("git", ["status", "--porcelain", "--", "src", "tasks"], { cwd: REPO, reject: false });
  return { commit: String(head.stdout).trim(), dirty: String(st.stdout).split("\n").filter(Boolean).map((l) => l.trim()) };
}

function statsMs(s: Stats): { median: number; min: number; max: number; samples: number[] } {
  return { median: round(s.median, 0), min: round(s.min, 0), max: round(s.max, 0), samples: s.samples.map((x) => round(x, 0)) };
}

/** A CLI call without --report (for subcommands that take none). */
async function cliPlain(args: string[]): Promise<{ ms: number }> {
  const t0 = performance.now();
  current = execa("node", [CLI, ...args], { cwd: REPO, reject: false, env: { FORCE_COLOR: "0" } });
  const r = await current;
  current = undefined;
  if (r.exitCode !== 0) throw new BenchError(`provision ${args.join(" ")} exited ${r.exitCode}: ${String(r.stderr)}`);
  return { ms: performance.now() - t0 };
}

// Run only as a script (scripts/bench.test.ts imports the helpers above).
const isMain = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      interrupted = true;
      console.error(`\nbench: ${sig === "SIGINT" ? "interrupted" : "terminated"}`);
      void teardown().then(() => process.exit(130));
    });
  }
  main()
    .then(async (code) => {
      await teardown();
      process.exit(code);
    })
    .catch(async (e) => {
      if (interrupted) return; // the signal handler tears down and exits 130
      console.error(`bench: ${e instanceof BenchError ? e.message : e instanceof Error ? (e.stack ?? e.message) : e}`);
      await teardown();
      process.exit(2);
    });
}
