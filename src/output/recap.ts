// The run's last lines: one line per host (result, changes, restarts, verification x/y, duration), like Ansible's recap.
import { formatDuration } from "../duration.js";
import type { EndReport as HostReport } from "./end.js";

export type HostResult = "ok" | "changed" | "failed";

/** failed if the host failed; changed if anything changed or restarted (with --check: would); ok otherwise. */
export function hostResult(r: HostReport): HostResult {
  if (!r.ok) return "failed";
  return r.changes > 0 || r.restarts.length > 0 ? "changed" : "ok";
}

/** "7/8" (checks passed / checks run) when the host was verified, "-" when it was not. */
export function verificationText(r: HostReport): string {
  if (!Array.isArray(r.verification)) return "-";
  const checks = r.verification as { ok?: unknown }[];
  return `${checks.filter((c) => c.ok === true).length}/${checks.length}`;
}

/** Where a failed host stopped: the failed task, or the first words of its error (connect, interrupted). */
function failedAt(r: HostReport): string {
  if (r.ok) return "";
  const task = r.tasks.find((t) => t.status === "failed");
  if (task) return `failed at ${task.name}`;
  return (r.error ?? "").split("\n")[0]!.split(":")[0]!;
}

/** The recap table: a header and one line per host, columns aligned. */
export function formatRecap(reports: HostReport[], check: boolean): string {
  const head = ["host", "result", check ? "would change" : "changes", "restarts", "verification", "duration", ""];
  const rows = reports.map((r) => [
    r.host,
    hostResult(r),
    String(r.changes),
    String(r.restarts.length),
    verificationText(r),
    r.durationMs === undefined ? "-" : formatDuration(r.durationMs),
    failedAt(r),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i]!)).join("  ").trimEnd();
  return [`Recap${check ? " (--check: nothing was changed)" : ""}:`, ...[head, ...rows].map((r) => `  ${line(r)}`)].join("\n");
}
