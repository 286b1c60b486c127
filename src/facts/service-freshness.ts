// Does each service run the configuration on disk? Two records answer it, read in one round trip:
// - restarts still owed: before a run writes a file or changes an account a service depends on, it records
//   the service in PENDING_RESTARTS on the host; a successful restart removes it. A run killed, disconnected
//   or interrupted between the write and the restart, a failed or timed-out restart, `--only` without
//   `restart`: the record survives, and the next run restarts the service.
// - files newer than the running service: a managed file whose modification time is later than the unit's
//   ActiveEnterTimestamp (a hand edit, a restore from backup, anything the record does not see).
// Both, because neither is enough alone: the record cannot see hand edits; times have one-second resolution
// (systemctl's unix timestamps), so a write in the same second as the restart that preceded it is seen only by
// the record.
import type { Fact } from "./fact.js";
import { sections } from "./sections.js";
import { parseUnitStates, type UnitState } from "./units.js";

/** Where owed restarts are recorded on the host, one unit per line (root-only directory). */
export const PENDING_RESTARTS = "/var/lib/provision/restart-pending";

export interface ServiceFreshness {
  states: Map<string, UnitState>;
  /** Units a run recorded as owing a restart. */
  pending: Set<string>;
  /** Units running since before one of their files changed, with those files. */
  stale: Map<string, string[]>;
}

// $1 the pending file; $2 the number of units N; the N units; then pairs "unit file" for the staleness check.
// One systemctl call per question for all units; it prints nothing for a unit that does not exist (its package is
// not installed yet), so then one unit at a time.
export const FRESHNESS = `pending=$1 n=$2; shift 2
units=""; i=0; while [ $i -lt $n ]; do units="$units $1"; shift; i=$((i+1)); done
lines() { printf '%s\\n' "$1" | grep -c .; }
e=$(systemctl is-enabled $units 2>/dev/null); a=$(systemctl is-active $units 2>/dev/null)
if [ "$(lines "$e")" -ne "$n" ] || [ "$(lines "$a")" -ne "$n" ]; then
  e=$(for u in $units; do x=$(systemctl is-enabled "$u" 2>/dev/null); echo "\${x:-missing}"; done)
  a=$(for u in $units; do x=$(systemctl is-active "$u" 2>/dev/null); echo "\${x:-inactive}"; done)
fi
echo "@@enabled"; printf '%s\\n' "$e"
echo "@@active"; printf '%s\\n' "$a"
echo "@@pending"; cat -- "$pending" 2>/dev/null
echo "@@stale"
last=""
while [ $# -ge 2 ]; do
  u=$1 f=$2; shift 2
  if [ "$u" != "$last" ]; then last=$u; st=$(systemctl show -p ActiveEnterTimestamp --timestamp=unix --value "$u" 2>/dev/null); st=\${st#@}; fi
  case $st in ''|*[!0-9]*) continue ;; esac
  m=$(stat -c %Y -- "$f" 2>/dev/null) || continue
  [ "$m" -gt "$st" ] && echo "$u $f"
done; exit 0`;

/** Parse FRESHNESS output. Undefined when the unit states do not have one line per unit. */
export function parseFreshness(output: string, units: readonly string[]): ServiceFreshness | undefined {
  const states = parseUnitStates(output, units);
  if (!states) return undefined;
  const s = sections(output);
  const pending = new Set((s.get("pending") ?? "").split("\n").map((l) => l.trim()).filter(Boolean));
  const stale = new Map<string, string[]>();
  for (const line of (s.get("stale") ?? "").split("\n")) {
    const m = /^(\S+) (.+)$/.exec(line);
    if (m) stale.set(m[1]!, [...(stale.get(m[1]!) ?? []), m[2]!]);
  }
  return { states, pending, stale };
}

/** The fact: unit states, owed restarts and stale services (as root: the record is root-only). */
export function serviceFreshness(units: readonly string[], files: ReadonlyMap<string, readonly string[]>): Fact<ServiceFreshness> {
  const pairs = [...files].flatMap(([u, fs]) => fs.flatMap((f) => [u, f]));
  return {
    name: "service-freshness",
    script: FRESHNESS,
    args: [PENDING_RESTARTS, String(units.length), ...units, ...pairs],
    parse(stdout) {
      const parsed = parseFreshness(stdout, units);
      if (!parsed) throw new Error(`systemctl did not report the state of every unit (${units.join(", ")})`);
      return parsed;
    },
  };
}

// mark_pending FILE UNIT...: record that the units owe a restart (before the change that makes them owe it).
export const MARK_PENDING_FN = `mark_pending() (
  f=$1; shift; umask 077; mkdir -p "$(dirname -- "$f")"
  for u in "$@"; do grep -qxF -- "$u" "$f" 2>/dev/null || printf '%s\\n' "$u" >>"$f"; done
)`;

/** $1 the pending file, then units. */
export const MARK_PENDING = `${MARK_PENDING_FN}\nmark_pending "$@"`;

// $1 the pending file, $2 the unit: it was restarted and runs; it owes nothing any more.
export const CLEAR_PENDING = `[ -f "$1" ] || exit 0; grep -vxF -- "$2" "$1" >"$1.tmp"; mv -f -- "$1.tmp" "$1"`;
