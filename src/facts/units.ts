// Unit states (systemctl is-enabled / is-active) of several units, parsed from one section per question.
import { sections } from "./sections.js";

export interface UnitState {
  enabled: boolean;
  active: boolean;
}

/** Parse the "@@enabled" and "@@active" sections; undefined when a section does not have one line per unit. */
export function parseUnitStates(output: string, units: readonly string[]): Map<string, UnitState> | undefined {
  const s = sections(output);
  const enabled = (s.get("enabled") ?? "").split("\n").filter(Boolean);
  const active = (s.get("active") ?? "").split("\n").filter(Boolean);
  if (enabled.length !== units.length || active.length !== units.length) return undefined;
  return new Map(units.map((u, i) => [u, { enabled: enabled[i] === "enabled", active: active[i] === "active" }]));
}
