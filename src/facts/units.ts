// Unit states (systemctl is-enabled / is-active) for several units in as few calls as possible.
import type { Host } from "../host/host.js";
import { sections } from "./sections.js";

export interface UnitState {
  enabled: boolean;
  active: boolean;
}

// One call per question for all units; systemctl prints one line per unit, except that is-enabled prints
// nothing (only an error) for a unit that does not exist, so the per-unit loop is the fallback.
const UNITS = `echo "@@enabled"; systemctl is-enabled "$@" 2>/dev/null
echo "@@active"; systemctl is-active "$@" 2>/dev/null
exit 0`;
const UNITS_ONE_BY_ONE = `for u in "$@"; do printf '%s %s %s\\n' "$u" "$(systemctl is-enabled "$u" 2>/dev/null || true)" "$(systemctl is-active "$u" 2>/dev/null || true)"; done`;

/** Parse the two sections of UNITS; undefined when a section does not have one line per unit. */
export function parseUnitStates(output: string, units: readonly string[]): Map<string, UnitState> | undefined {
  const s = sections(output);
  const enabled = (s.get("enabled") ?? "").split("\n").filter(Boolean);
  const active = (s.get("active") ?? "").split("\n").filter(Boolean);
  if (enabled.length !== units.length || active.length !== units.length) return undefined;
  return new Map(units.map((u, i) => [u, { enabled: enabled[i] === "enabled", active: active[i] === "active" }]));
}

/** Whether each unit is enabled and running: one round trip, a second only if a unit does not exist. */
export async function unitStates(host: Host, units: readonly string[]): Promise<Map<string, UnitState>> {
  const r = await host.check(["sh", "-c", UNITS, "units", ...units]);
  const parsed = parseUnitStates(r.stdout, units);
  if (parsed) return parsed;
  const slow = await host.check(["sh", "-c", UNITS_ONE_BY_ONE, "units-one-by-one", ...units]);
  const out = new Map<string, UnitState>(units.map((u) => [u, { enabled: false, active: false }]));
  for (const line of slow.stdout.split("\n")) {
    const [u, e, a] = line.split(" ");
    if (u && out.has(u)) out.set(u, { enabled: e === "enabled", active: a === "active" });
  }
  return out;
}
