// Handlers: validate, then restart each notified service once, in dependency order; roll back on failure.
import { rollback, tail } from "../src/apply.js";
import { HostError } from "../src/errors.js";
import { prosodyLogging, type ProsodyLogging } from "../src/facts/prosody-logging.js";
import { unitStates } from "../src/facts/units.js";
import type { Host } from "../src/host/host.js";
import { REPORT_KEYS } from "../src/runner.js";
import { PATHS, UNIT_ORDER, UNITS } from "../src/platform.js";
import type { Task, TaskContext } from "../src/task.js";


/** Lines of a Prosody log that say a module failed to load. */
export function moduleLoadErrors(log: string): string[] {
  return log.split("\n").filter((l) => /Unable to load module|Error initializing module|Failed to load module|module '[^']+' not found|No available SASL mechanisms/i.test(l));
}

// $1 unit, $2 "journal" to watch the unit's journal (else "-"), $3.. log files to watch. Restart, wait up to 15 s
// for a verdict, print the state and what the journal and the files got since the restart.
const RESTART = `unit=$1 journal=$2; shift 2
sizes=""; for f in "$@"; do sizes="$sizes $(stat -c %s -- "$f" 2>/dev/null || echo 0)"; done
since=$(date +%s)
out=$(systemctl restart "$unit" 2>&1); rc=$?
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

async function restartUnit(host: Host, unit: string, prosodyLog: ProsodyLogging | null): Promise<Restarted> {
  const r = await host.run(["sh", "-c", RESTART, "restart", unit, ...watched(unit, prosodyLog)], { sudo: true });
  const m = /^@@state (\S*) (\d+)$/m.exec(r.stdout);
  const state = m?.[1] ?? "unknown";
  const [head = "", ...logParts] = r.stdout.split(/^@@log .*$/m);
  const output = head.replace(/^@@state.*$/m, "").trim();
  if (state !== "active")
    return { unit, ok: false, problem: `${unit} is ${state || "not active"} after the restart`, lines: tail(`${output}\n${r.stderr}`) };
  const errors = moduleLoadErrors(logParts.join("\n"));
  if (errors.length) return { unit, ok: false, problem: `${unit} logged module load errors after the restart`, lines: errors.slice(-10) };
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
    const r = await restartUnit(ctx.host, u, prosodyLog);
    again.push(`${u} ${r.ok ? "running again with the previous files" : `still failing: ${r.problem}`}`);
  }
  return `restored ${restored.length ? restored.join(", ") : "nothing"}; ${again.join("; ")}`;
}


/** Units to restart, in dependency order: notified by a change, or enabled but not running. */
export function restartOrder(notified: Iterable<string>, stopped: Iterable<string>): string[] {
  const all = new Set([...notified, ...stopped]);
  return [...UNIT_ORDER.filter((u) => all.has(u)), ...[...all].filter((u) => !UNIT_ORDER.includes(u)).sort()];
}

export interface RestartFacts {
  /** Units to restart, in order. */
  units: string[];
  /** Where Prosody's errors go, when Prosody is among the units. */
  prosodyLog: ProsodyLogging | null;
}

export const restart: Task<RestartFacts> = {
  name: "restart",
  title: "restart what changed",
  async gather({ host, state }) {
    // Units that are enabled but not running are started like a restart.
    const states = await unitStates(host, UNIT_ORDER);
    const units = restartOrder(state.notified, UNIT_ORDER.filter((u) => states.get(u)?.enabled && !states.get(u)?.active));
    // Prosody's module-load errors are looked for where its (effective) logging config sends them.
    const prosodyLog = units.includes(UNITS.prosody) ? await prosodyLogging(host, PATHS.prosodyMain) : null;
    return { units, prosodyLog };
  },
  plan(_inv, { units }) {
    return {
      changes: units.map((u) => ({ kind: "command" as const, summary: `restart ${u}`, argv: ["systemctl", "restart", u], sudo: true })),
      reason: "nothing changed, every service running: nothing to restart",
    };
  },
  async apply(ctx, _plan, { units, prosodyLog }) {
    // Validate everything first: a rejected configuration restarts nothing and puts every file back.
    for (const unit of units) {
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
    const done: string[] = [];
    for (const unit of units) {
      ctx.log(`restarting ${unit}`);
      const r = await restartUnit(ctx.host, unit, prosodyLog);
      done.push(unit);
      if (!r.ok) {
        const recovery = await restoreAndRestart(ctx, done, prosodyLog);
        ctx.state.facts.set(REPORT_KEYS.restarts, done);
        throw new HostError(`${r.problem}; rolled back: ${recovery}`, { where: ctx.inv.name, lines: r.lines, fix: "fix the cause above and run again" });
      }
    }
    ctx.state.facts.set(REPORT_KEYS.restarts, done);
  },
};
