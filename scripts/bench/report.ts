// Reading what a run left behind: the CLI's --report (per-task durations and remote command counts, when it
// carries them), the SSH trace of scripts/bench/ssh-trace.mjs, /usr/bin/time's figures, and Ansible's -vvv log.

/** The fields of one host's --report the bench reads; the count fields are looked for under several names. */
export interface ReportHost {
  host: string;
  ok: boolean;
  changes: number;
  restarts: string[];
  tasks: { name: string; status: string; detail?: string; [k: string]: unknown }[];
  verification?: unknown;
  [k: string]: unknown;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Per-task durations (ms) of one host, when the report has them. */
export function taskDurations(r: ReportHost): { task: string; status: string; ms: number }[] {
  return r.tasks.flatMap((t) => {
    const ms = num(t.durationMs) ?? num(t.ms);
    return ms === undefined ? [] : [{ task: t.name, status: t.status, ms }];
  });
}

/** A count in an object under any of these keys (top level, or under .ssh / .remote). */
function countOf(o: Record<string, unknown>, keys: string[]): number | undefined {
  for (const where of [o, o.ssh, o.remote]) {
    if (!where || typeof where !== "object") continue;
    for (const k of keys) {
      const v = num((where as Record<string, unknown>)[k]);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

const COMMAND_KEYS = ["remoteCommands", "commands", "commandCount", "execs"];

/**
 * Remote commands of one host's run as the tool counts them, besides the verify task's: the host total minus
 * verify's, or the sum over the other tasks; undefined when the report carries no counts.
 */
export function reportedCommands(r: ReportHost): { total: number; verify: number; besidesVerify: number } | undefined {
  const perTask = r.tasks.map((t) => ({ name: t.name, n: countOf(t, COMMAND_KEYS) }));
  const verify = perTask.find((t) => t.name === "verify")?.n ?? 0;
  const total = countOf(r, COMMAND_KEYS);
  if (total !== undefined) return { total, verify, besidesVerify: total - verify };
  if (perTask.every((t) => t.n === undefined)) return undefined;
  const sum = perTask.reduce((a, t) => a + (t.n ?? 0), 0);
  return { total: sum, verify, besidesVerify: sum - verify };
}

/** A "no-change" run that changed or restarted anything: what, per host (empty when it changed nothing). */
export function changedHosts(reports: ReportHost[]): string[] {
  return reports
    .filter((r) => r.changes > 0 || r.restarts.length > 0)
    .map((r) => `${r.host} (${r.tasks.filter((t) => t.status === "changed").map((t) => t.name).join(", ") || `restarted ${r.restarts.join(", ")}`})`);
}

/** The slowest verification check of a report: id, name and ms (checks carry `ms`). */
export function slowestCheck(r: ReportHost): { id: string; name: string; ms: number; detail: string } | undefined {
  const checks = Array.isArray(r.verification) ? (r.verification as Record<string, unknown>[]) : [];
  const timed = checks.flatMap((c) => (num(c.ms) === undefined ? [] : [{ id: String(c.id), name: String(c.name), ms: num(c.ms)!, detail: String(c.detail ?? "") }]));
  return timed.sort((a, b) => b.ms - a.ms)[0];
}

/** What scripts/bench/ssh-trace.mjs recorded. */
export interface SshTrace {
  connections: number;
  execs: { cmd: string; stdin: string; at: number }[];
  forwards: { to: string; at: number }[];
}

/** The bytes sent on one traced exec's stdin (recorded as base64 chunks, one a line). */
export function traceStdin(e: SshTrace["execs"][number]): Buffer {
  return Buffer.concat(e.stdin.split("\n").filter(Boolean).map((l) => Buffer.from(l, "base64")));
}

/**
 * One shell script that runs every traced command in order, each with the stdin it had (or none): the floor's
 * "every fact of the run in one remote command". Fed to `sh -s` on the host.
 */
export function floorScript(trace: SshTrace): string {
  const lines: string[] = [];
  for (const e of trace.execs) {
    const stdin = traceStdin(e);
    const feed = stdin.length ? `printf %s '${stdin.toString("base64")}' | base64 -d` : "true";
    lines.push(`${feed} | ( ${e.cmd} ) >/dev/null 2>&1`);
  }
  return lines.join("\n") + "\n";
}

/** /usr/bin/time -f '%e %M %U %S': wall seconds, peak RSS (KB), user and system CPU seconds. */
export function parseTime(text: string): { wallMs: number; peakRssMb: number; cpuMs: number } {
  const m = /(\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\s*$/.exec(text.trim());
  if (!m) throw new Error(`cannot read /usr/bin/time's output: ${JSON.stringify(text.slice(-200))}`);
  return { wallMs: Number(m[1]) * 1000, peakRssMb: Number(m[2]) / 1024, cpuMs: (Number(m[3]) + Number(m[4])) * 1000 };
}

/** Ansible's -vvv output: SSH processes it started (each one exec on the host, over its ControlMaster connection). */
export function ansibleSshExecs(log: string): { execs: number; tasks: number } {
  const execs = (log.match(/^<[^>]+> SSH: EXEC ssh /gm) ?? []).length;
  const tasks = (log.match(/^TASK \[/gm) ?? []).length;
  return { execs, tasks };
}

/** `PLAY RECAP` of an Ansible run: changed count (summed over hosts) and whether anything failed. */
export function ansibleRecap(out: string): { ok: number; changed: number; failed: number } {
  let ok = 0;
  let changed = 0;
  let failed = 0;
  for (const m of out.matchAll(/ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/g)) {
    ok += Number(m[1]);
    changed += Number(m[2]);
    failed += Number(m[3]) + Number(m[4]);
  }
  return { ok, changed, failed };
}
