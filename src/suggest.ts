// "did you mean …?" for mistyped names (commands, task names, inventory keys).

/** Levenshtein distance between a and b. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** The candidate closest to word (fewer than `limit` edits, case-insensitive), if any. */
export function closest(word: string, candidates: readonly string[], limit = 4): string | undefined {
  let best: string | undefined;
  let bestD = limit;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

/** " (did you mean X?)" for the closest candidate, or "". */
export function didYouMean(word: string, candidates: readonly string[], limit = 4): string {
  const c = closest(word, candidates, limit);
  return c ? ` (did you mean ${c}?)` : "";
}
