// Human durations: parse "90m", "2h", "1d", "1h30m", "3600" into whole seconds; print milliseconds as "1 min 45 s" or "0:42".
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

/** Milliseconds as a person reads them: "420 ms", "12.3 s", "1 min 45 s", "2 h 5 min" (rounded down to the unit shown). */
export function formatDuration(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  if (t < 1000) return `${t} ms`;
  if (t < 10_000) return `${(Math.floor(t / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(t / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const min = Math.floor(s / 60) % 60;
  return min ? `${Math.floor(s / 3600)} h ${min} min` : `${Math.floor(s / 3600)} h`;
}

/** Elapsed time as a clock for a terminal title: "0:07", "12:34", "1:02:03". */
export function formatClock(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  return h ? `${h}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}` : `${Math.floor(s / 60)}:${two(s % 60)}`;
}
