// Apply a restart change: validate every configuration, restart each unit once in order, watch it come up; roll back on failure.
import { HostError } from "./errors.js";
import { readFact } from "./facts/fact.js";
import { prosodyLogging, type ProsodyLogging } from "./facts/prosody-logging.js";
import { CLEAR_PENDING, PENDING_RESTARTS } from "./facts/service-freshness.js";
import type { Host } from "./host/host.js";
import { PATHS, UNITS } from "./platform.js";
import { rollback, tail } from "./rollback.js";
import type { RestartChange, TaskContext } from "./task.js";

/** Lines of a Prosody log that say a module failed to load. */
export function moduleLoadErrors(log: string): string[] {
  return log.split("\n").filter((l) => /Unable to load module|Error initializing module|Failed to load module|module '[^']+' not found|No available SASL mechanisms/i.test(l));
}

/** How long `systemctl restart` may take before it counts as failed (systemd's default start timeout). */
export const RESTART_TIMEOUT_S = 90;

// $1 unit, $2 "journal" to watch the unit's journal (else "-"), $3 seconds the restart may take, $4.. log files
// to watch. Restart (a hanging one is cut off and fails), wait up to 15 s for a verdict, print the state and what
// the journal and the files got since the restart.
const RESTART = `unit=$1 journal=$2 limit=$3; shift 3
sizes=""; for f in "$@"; do sizes="$sizes $(stat -c %s -- "$f" 2>/dev/null || echo 0)"; done
since=$(date +%s)
out=$(timeout "$limit" systemctl restart "$unit" 2>&1); rc=$?
[ $rc -eq 124 ] && out="systemctl restart $unit did not finish within $limit s"
i=0; while :; do st=$(systemctl is-active "$unit" 2>/dev/null); [ "$st" = active ] || [ "$st" = failed ] || [ $i -ge 30 ] && break; sleep 0.5; i=$((i+1)); done
{ [ $# -gt 0 ] || [ "$journal" = journal ]; } && [ "$st" = active ] && sleep 1
echo "@@state $st $rc"; printf '%s\\n' "$out"
[ "$journal" = journal ] && { echo "@@log journal"; journalctl -u "$unit" --since "@$since" -o cat --no-pager 2>/dev/null | tail -n 500; }
i=0; for f in "$@"; do i=$((i+1)); s=$(echo $sizes | cut -d' ' -f$i); echo "@@log $f"; tail -c +$((s + 1)) -- "$f" 2>/dev/null; done
exit 0`;

interface Restarted {
  unit: string;
  ok: boolean;
  problem?: string;
  lines: string[];
}

/** Where a unit's errors are watched after its restart: Prosody's from its logging config, others not at all. */
function watched(unit: string, prosodyLog: ProsodyLogging | null): string[] {
  if (unit !== UNITS.prosody || !prosodyLog) return ["-"];
  return [prosodyLog.journal ? "journal" : "-", ...prosodyLog.files];
}

/**
 * How long `systemctl restart` may take, and the whole restart command: RESTART_TIMEOUT_S and a minute more for the
 * verdict, but never longer than the inventory's SSH_COMMAND_TIMEOUT (one remote command may take that long, no more).
 */
export function restartLimits(commandTimeoutMs: number): { restartS: number; commandMs: number } {
  return { restartS: Math.min(RESTART_TIMEOUT_S, Math.max(1, Math.ceil(commandTimeoutMs / 1000))), commandMs: Math.min((RESTART_TIMEOUT_S + 60) * 1000, commandTimeoutMs) };
}

async function restartUnit(host: Host, unit: string, prosodyLog: ProsodyLogging | null, commandTimeoutMs: number): Promise<Restarted> {
  const [journal = "-", ...files] = watched(unit, prosodyLog);
  const limits = restartLimits(commandTimeoutMs);
  let r;
  try {
    r = await host.run(["sh", "-c", RESTART, "restart", unit, journal, String(limits.restartS), ...files], { sudo: true, timeoutMs: limits.commandMs });
  } catch (e) {
    // A restart that cannot be seen through (the command timed out, the connection broke) is a failed one.
    return { unit, ok: false, problem: `the restart of ${unit} did not complete`, lines: [(e as Error).message.split("\n")[0] ?? ""] };
  }
  const m = /^@@state (\S*) (\d+)$/m.exec(r.stdout);
  const state = m?.[1] ?? "unknown";
  const [head = "", ...logParts] = r.stdout.split(/^@@log .*$/m);
  const output = head.replace(/^@@state.*$/m, "").trim();
  // A restart cut off by the timeout failed, even if the unit still reports active (its old process, say).
  if (m?.[2] === "124") return { unit, ok: false, problem: `the restart of ${unit} did not complete`, lines: tail(`${output}\n${r.stderr}`) };
  if (state !== "active")
    return { unit, ok: false, problem: `${unit} is ${state || "not active"} after the restart`, lines: tail(`${output}\n${r.stderr}`) };
  const errors = moduleLoadErrors(logParts.join("\n"));
  if (errors.length) return { unit, ok: false, problem: `${unit} logged module load errors after the restart`, lines: errors.slice(-10) };
  // It runs the configuration on disk: it owes no restart any more.
  await host.check(["sh", "-c", CLEAR_PENDING, "clear-pending", PENDING_RESTARTS, unit], { sudo: true });
  return { unit, ok: true, lines: [] };
}

/** How each service's configuration is checked before it is restarted. */
export const VALIDATORS: Readonly<Record<string, readonly string[]>> = {
  prosody: ["prosodyctl", "check", "config"],
  nginx: ["nginx", "-t"],
};

/** Run the validator of a unit; the output lines when it rejects the configuration. */
async function validate(host: Host, unit: string): Promise<string[] | undefined> {
  const argv = VALIDATORS[unit];
  if (!argv) return undefined;
  const r = await host.run(argv, { sudo: true });
  return r.code === 0 ? undefined : tail(`${r.stdout}\n${r.stderr}`, 20);
}

async function restoreAndRestart(ctx: TaskContext, units: string[], prosodyLog: ProsodyLogging | null): Promise<string> {
  const restored = await rollback(ctx.host, ctx.state);
  const again: string[] = [];
  for (const u of units) {
    const r = await restartUnit(ctx.host, u, prosodyLog, ctx.inv.ssh.commandTimeoutMs);
    again.push(`${u} ${r.ok ? "running again with the previous files" : `still failing: ${r.problem}`}`);
  }
  return `restored ${restored.length ? restored.join(", ") : "nothing"}; ${again.join("; ")}`;
}

/** Validate everything first (a rejected configuration restarts nothing and puts every file back), then restart in order. */
export async function applyRestart(ctx: TaskContext, c: RestartChange): Promise<void> {
  for (const unit of c.units) {
    const problem = await validate(ctx.host, unit);
    if (problem) {
      const restored = await rollback(ctx.host, ctx.state);
      throw new HostError(`${VALIDATORS[unit]!.join(" ")} rejected the new configuration; nothing was restarted and the previous files are back (${restored.join(", ") || "none"})`, {
        where: ctx.inv.name,
        lines: problem,
        fix: `fix the cause above (an inventory value, or a hand edit in the ${unit} configuration) and run again`,
      });
    }
  }
  // Prosody's module-load errors are looked for where its (effective) logging config sends them.
  const prosodyLog = c.units.includes(UNITS.prosody) ? await readFact(ctx.host, prosodyLogging(PATHS.prosodyMain)) : null;
  for (const unit of c.units) {
    ctx.log(`restarting ${unit}`);
    const r = await restartUnit(ctx.host, unit, prosodyLog, ctx.inv.ssh.commandTimeoutMs);
    ctx.state.restarted.push(unit);
    if (!r.ok) {
      const recovery = await restoreAndRestart(ctx, [...ctx.state.restarted], prosodyLog);
      throw new HostError(`${r.problem}; rolled back: ${recovery}`, { where: ctx.inv.name, lines: r.lines, fix: "fix the cause above and run again" });
    }
  }
}
