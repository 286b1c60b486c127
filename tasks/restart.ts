// Handlers: validate, then restart each notified service once, in dependency order; roll back on failure.
import { rollback, tail } from "../src/apply.js";
import { HostError } from "../src/errors.js";
import { unitStates } from "../src/facts/units.js";
import type { Host } from "../src/host/host.js";
import { REPORT_KEYS } from "../src/runner.js";
import { UNIT_ORDER } from "../src/platform.js";
import type { Task, TaskContext } from "../src/task.js";

export const PROSODY_LOGS = ["/var/log/prosody/prosody.log", "/var/log/prosody/prosody.err"];

/** Lines of a Prosody log that say a module failed to load. */
export function moduleLoadErrors(log: string): string[] {
  return log.split("\n").filter((l) => /Unable to load module|Error initializing module|Failed to load module|module '[^']+' not found|No available SASL mechanisms/i.test(l));
}

// $1 unit, $2.. logs to watch. Restart, wait up to 15 s for a verdict, print the state and what the logs got since.
const RESTART = `unit=$1; shift
sizes=""; for f in "$@"; do sizes="$sizes $(stat -c %s -- "$f" 2>/dev/null || echo 0)"; done
out=$(systemctl restart "$unit" 2>&1); rc=$?
i=0; while :; do st=$(systemctl is-active "$unit" 2>/dev/null); [ "$st" = active ] || [ "$st" = failed ] || [ $i -ge 30 ] && break; sleep 0.5; i=$((i+1)); done
[ $# -gt 0 ] && [ "$st" = active ] && sleep 1
echo "@@state $st $rc"; printf '%s\\n' "$out"
i=0; for f in "$@"; do i=$((i+1)); s=$(echo $sizes | cut -d' ' -f$i); echo "@@log $f"; tail -c +$((s + 1)) -- "$f" 2>/dev/null; done
exit 0`;

interface Restarted {
  unit: string;
  ok: boolean;
  problem?: string;
  lines: string[];
}

async function restartUnit(host: Host, unit: string): Promise<Restarted> {
  const logs = unit === "prosody" ? PROSODY_LOGS : [];
  const r = await host.run(["sh", "-c", RESTART, "restart", unit, ...logs], { sudo: true });
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

async function restoreAndRestart(ctx: TaskContext, units: string[]): Promise<string> {
  const restored = await rollback(ctx.host, ctx.state);
  const again: string[] = [];
  for (const u of units) {
    const r = await restartUnit(ctx.host, u);
    again.push(`${u} ${r.ok ? "running again with the previous files" : `still failing: ${r.problem}`}`);
  }
  return `restored ${restored.length ? restored.join(", ") : "nothing"}; ${again.join("; ")}`;
}


/** Units to restart, in dependency order: notified by a change, or enabled but not running. */
export function restartOrder(notified: Iterable<string>, stopped: Iterable<string>): string[] {
  const all = new Set([...notified, ...stopped]);
  return [...UNIT_ORDER.filter((u) => all.has(u)), ...[...all].filter((u) => !UNIT_ORDER.includes(u)).sort()];
}

export const restart: Task<string[]> = {
  name: "restart",
  title: "restart what changed",
  async gather({ host, state }) {
    // Units that are enabled but not running are started like a restart.
    const states = await unitStates(host, UNIT_ORDER);
    return restartOrder(state.notified, UNIT_ORDER.filter((u) => states.get(u)?.enabled && !states.get(u)?.active));
  },
  plan(_inv, units) {
    return {
      changes: units.map((u) => ({ kind: "command" as const, summary: `restart ${u}`, argv: ["systemctl", "restart", u], sudo: true })),
      reason: "nothing changed, every service running: nothing to restart",
    };
  },
  async apply(ctx, _plan, units) {
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
      const r = await restartUnit(ctx.host, unit);
      done.push(unit);
      if (!r.ok) {
        const recovery = await restoreAndRestart(ctx, done);
        ctx.state.facts.set(REPORT_KEYS.restarts, done);
        throw new HostError(`${r.problem}; rolled back: ${recovery}`, { where: ctx.inv.name, lines: r.lines, fix: "fix the cause above and run again" });
      }
    }
    ctx.state.facts.set(REPORT_KEYS.restarts, done);
  },
};
