// The end of a run: verification tables not already inside a failure, the per-host summary, and the recap.
import type { CheckResult } from "../verify/checks.js";
import { formatChecks } from "../verify/format.js";
import { formatRecap } from "./recap.js";

/** What the end of the run needs of a host's report (HostReport's fields). */
export interface EndReport {
  host: string;
  ok: boolean;
  changes: number;
  restarts: string[];
  tasks: { name: string; status: string; detail: string }[];
  verification?: unknown;
  error?: string;
  durationMs?: number;
}

/**
 * "host: verification" and its table, for each verified host whose table is not already printed as part of a
 * failure (a failed verify task's error carries the table: it is shown once, in the summary).
 */
export function verificationBlocks(reports: EndReport[]): string[] {
  const out: string[] = [];
  for (const r of reports) {
    if (!Array.isArray(r.verification)) continue;
    const table = formatChecks(r.verification as CheckResult[]);
    const shown = r.tasks.some((t) => t.status === "failed" && containsLines(t.detail, table)) || containsLines(r.error ?? "", table);
    if (!shown) out.push(`${r.host}: verification\n${table}`);
  }
  return out;
}

/** Whether every line of `block` is a line of `text` (an error's lines are indented: compared trimmed). */
function containsLines(text: string, block: string): boolean {
  const lines = new Set(text.split("\n").map((l) => l.trim()));
  return block.split("\n").every((l) => lines.has(l.trim()));
}

/** Everything printed after the progress: verification tables, the summary (given), the recap last. */
export function formatEnd(reports: EndReport[], summary: string, check: boolean): string {
  const blocks = [...verificationBlocks(reports), summary, formatRecap(reports, check)];
  return blocks.map((b) => `\n${b}\n`).join("");
}
