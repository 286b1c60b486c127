// Parse a human duration ("90m", "2h", "1d", "1h30m", "3600") into whole seconds.
import { UsageError } from "./errors.js";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const FIX = 'use a positive number of seconds ("3600") or a number with a unit s, m, h, d, w ("30s", "90m", "2h", "1d", "1h30m")';

/** Parse "2h" | "90m" | "30s" | "1d" | "1h30m" | "3600" into seconds; throws UsageError on anything else. */
export function parseDuration(input: string): number {
  const text = input.trim().toLowerCase();
  if (/^\d+$/.test(text)) return checked(input, Number(text));
  if (!/^(\d+[smhdw])+$/.test(text)) {
    throw new UsageError(`not a duration: ${JSON.stringify(input)}`, { fix: FIX });
  }
  let total = 0;
  const seen = new Set<string>();
  for (const [, amount, unit] of text.matchAll(/(\d+)([smhdw])/g)) {
    if (seen.has(unit!)) throw new UsageError(`not a duration: ${JSON.stringify(input)} (unit "${unit}" given twice)`, { fix: FIX });
    seen.add(unit!);
    total += Number(amount) * UNIT_SECONDS[unit!]!;
  }
  return checked(input, total);
}

function checked(input: string, seconds: number): number {
  if (!Number.isSafeInteger(seconds)) throw new UsageError(`duration too large: ${JSON.stringify(input)}`, { fix: FIX });
  if (seconds <= 0) throw new UsageError(`duration must be more than zero: ${JSON.stringify(input)}`, { fix: FIX });
  return seconds;
}
