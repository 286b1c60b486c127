// The terminal table of verification results.
import type { CheckResult } from "./checks.js";

/** One line per check (PASS/FAIL/SKIP, id, name, the server's reason) and a summary line. */
export function formatChecks(results: CheckResult[]): string {
  const width = Math.max(0, ...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    const mark = r.ok ? "PASS" : r.skipped ? "SKIP" : "FAIL";
    return `${mark}  ${r.id}  ${r.name.padEnd(width)}  ${r.detail}`;
  });
  const passed = results.filter((r) => r.ok).length;
  const skipped = results.filter((r) => r.skipped).length;
  const failed = results.length - passed - skipped;
  const summary = [`${results.length} checks: ${passed} passed`, `${failed} failed`];
  if (skipped) summary.push(`${skipped} not run`);
  lines.push(summary.join(", "));
  return lines.join("\n");
}
