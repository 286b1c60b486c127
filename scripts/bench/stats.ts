// The bench's arithmetic: medians, min/max, ratios, and how figures are printed.

export interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/** Median (mean of the middle two for an even count), min and max; the samples as given. */
export function stats(samples: number[]): Stats {
  if (samples.length === 0) throw new Error("stats of no samples");
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s.at(-1)!, samples };
}

/** Seconds with two decimals, from milliseconds. */
export const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** A ratio as "0.12×". */
export const times = (x: number): string => `${x < 0.1 ? x.toFixed(3) : x.toFixed(2)}×`;

export const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Median, min and max in whole milliseconds, for JSON. */
export function statsMs(s: Stats): { median: number; min: number; max: number; samples: number[] } {
  return { median: round(s.median, 0), min: round(s.min, 0), max: round(s.max, 0), samples: s.samples.map((x) => round(x, 0)) };
}

/** Rows as a Markdown table (first row the header). */
export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  const line = (r: string[]) => `| ${r.join(" | ")} |`;
  return [line(head!), line(head!.map(() => "---")), ...body.map(line)].join("\n");
}
