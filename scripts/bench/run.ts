// Running things the way a user does and timing them: the built CLI (under /usr/bin/time, optionally traced),
// `node -e 0`, and the floor (one new OpenSSH connection running one script).
import { execa, type ResultPromise } from "execa";
import { cp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { INVENTORY_DIR, REPO } from "../../test/sandbox/paths.js";
import type { SandboxHost } from "../../test/sandbox/host.js";
import { BenchError } from "./options.js";
import { changedHosts, floorScript, parseTime, type ReportHost, type SshTrace } from "./report.js";

/**
 * The build the bench measures: a copy of dist/ taken when it starts (others may rebuild dist/ meanwhile), inside
 * dist/ so that node_modules and package.json are found upward as from dist/ itself.
 */
let DIST = join(REPO, "dist");
export const cliPath = (): string => join(DIST, "src", "cli.js");
/** A module of the measured build, for import(). */
export const distModule = (path: string): string => pathToFileURL(join(DIST, path)).href;

/** Copy dist/ (its top-level entries but earlier snapshots) to dist/.bench-PID and measure that; returns a remover. */
export async function snapshotDist(): Promise<() => Promise<void>> {
  const src = join(REPO, "dist");
  const dir = join(src, `.bench-${process.pid}`);
  for (const e of await readdir(src)) if (!e.startsWith(".bench-")) await cp(join(src, e), join(dir, e), { recursive: true });
  DIST = dir;
  return () => rm(dir, { recursive: true, force: true });
}
const TRACE_HOOK = join(REPO, "scripts", "bench", "ssh-trace.mjs");

let current: ResultPromise | undefined;
let seq = 0;

/** Stop the process the bench is waiting on (on Ctrl-C). */
export function killCurrent(): void {
  current?.kill("SIGTERM");
}

export interface Timed {
  /** Wall time from spawn to exit, measured here. */
  ms: number;
  /** From /usr/bin/time: our process's peak RSS (MB) and CPU (user + system, ms). */
  peakRssMb: number;
  cpuMs: number;
  stdout: string;
  all: string;
  exitCode: number;
}

/** Run a program under /usr/bin/time; the child's own figures come back with its output. */
export async function timed(file: string, args: string[], tmp: string, env: Record<string, string> = {}, timeoutMs = 30 * 60_000): Promise<Timed> {
  const timeFile = join(tmp, `time-${++seq}`);
  const t0 = performance.now();
  current = execa("/usr/bin/time", ["-o", timeFile, "-f", "%e %M %U %S", file, ...args], {
    cwd: REPO,
    reject: false,
    all: true,
    env: { FORCE_COLOR: "0", ...env },
    timeout: timeoutMs,
  });
  const r = await current;
  const ms = performance.now() - t0;
  current = undefined;
  const t = parseTime(await readFile(timeFile, "utf8").catch(() => ""));
  await rm(timeFile, { force: true });
  return { ms, peakRssMb: t.peakRssMb, cpuMs: t.cpuMs, stdout: String(r.stdout), all: String(r.all ?? ""), exitCode: r.exitCode ?? -1 };
}

export interface CliRun extends Timed {
  reports: ReportHost[];
  trace?: SshTrace;
}

/**
 * `provision ARGS --report FILE` against the sandbox's inventories; a non-zero exit, a failed host, or (with
 * `noChange`) any change or restart is a BenchError. `trace` loads scripts/bench/ssh-trace.mjs (runs not timed).
 */
export async function cli(args: string[], tmp: string, what: string, o: { noChange?: boolean; trace?: boolean } = {}): Promise<CliRun> {
  const report = join(tmp, `report-${++seq}.json`);
  const traceFile = join(tmp, `trace-${seq}.json`);
  const env: Record<string, string> = { PROVISION_INVENTORY_DIR: INVENTORY_DIR };
  if (o.trace) env.BENCH_SSH_TRACE = traceFile;
  const node = o.trace ? ["--import", TRACE_HOOK] : [];
  const r = await timed("node", [...node, cliPath(), ...args, "--report", report], tmp, env);
  if (r.exitCode !== 0) throw new BenchError(`${what}: provision ${args.join(" ")} exited ${r.exitCode}:\n${r.all.split("\n").slice(-25).join("\n")}`);
  const reports = JSON.parse(await readFile(report, "utf8")) as ReportHost[];
  await rm(report, { force: true });
  const failed = reports.filter((x) => !x.ok);
  if (failed.length) throw new BenchError(`${what}: failed on ${failed.map((x) => `${x.host}: ${String(x.error)}`).join("; ")}`);
  if (o.noChange) {
    const changed = changedHosts(reports);
    if (changed.length) throw new BenchError(`${what} was meant to change nothing, but changed: ${changed.join("; ")}`);
  }
  let trace: SshTrace | undefined;
  if (o.trace) {
    trace = JSON.parse(await readFile(traceFile, "utf8")) as SshTrace;
    await rm(traceFile, { force: true });
  }
  return { ...r, reports, trace };
}

/** `node ARGS` (node -e 0, provision --help): wall time; a non-zero exit is a BenchError. */
export async function plain(args: string[], tmp: string): Promise<Timed> {
  const r = await timed("node", args, tmp);
  if (r.exitCode !== 0) throw new BenchError(`node ${args.join(" ")} exited ${r.exitCode}: ${r.all.slice(-500)}`);
  return r;
}

/** OpenSSH options for a new connection to a sandbox host (no connection sharing). */
export function sshArgs(h: SandboxHost): string[] {
  return ["-T", "-o", "BatchMode=yes", "-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", `UserKnownHostsFile=${h.knownHostsFile}`, "-i", h.keyFile, `arch@${h.ip}`];
}

/**
 * The floor: one new SSH connection (OpenSSH, from a new process) running, as one remote command, every command a
 * no-change run sent (recorded by the trace), each with its stdin. Leaves no lock behind.
 */
export async function floor(h: SandboxHost, trace: SshTrace, tmp: string): Promise<Timed> {
  const script = join(tmp, "floor.sh");
  await writeFile(script, floorScript(trace), { mode: 0o600 });
  const r = await timed("sh", ["-c", `exec ssh "$@" sh -s < ${script}`, "ssh", ...sshArgs(h)], tmp);
  if (r.exitCode !== 0) throw new BenchError(`the floor's ssh exited ${r.exitCode}: ${r.all.slice(-500)}`);
  // The script takes and releases the lock as the run did; a lock left behind would be taken over, noisily.
  await h.exec("rm -rf /run/lock/provision");
  return r;
}
