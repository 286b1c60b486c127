// The end-of-run summary: per host its result, counts and restarts, then one line per task (failures in full).
import type { HostReport, TaskStatus } from "../runner.js";

/** The end-of-run summary, one block per host. */
export function formatSummary(reports: HostReport[], check: boolean): string {
  const out: string[] = [];
  for (const r of reports) {
    const count = (s: TaskStatus) => r.tasks.filter((t) => t.status === s).length;
    const head = r.ok ? "ok" : "FAILED";
    out.push(
      `${r.host}: ${head} — ${count("changed")} ${check ? "would change" : "changed"}, ${count("unchanged")} unchanged, ${count("skipped")} skipped, ${count("failed")} failed; ${r.restarts.length ? `restarted ${r.restarts.join(", ")}` : "no restarts"}`,
    );
    for (const n of r.notices ?? []) out.push(`  note: ${n}`);
    // A host stopped outside any task (interrupted) says why on its own line.
    if (!r.ok && r.error && !r.tasks.some((t) => t.status === "failed")) out.push(`  ${r.error}`);
    for (const t of r.tasks) {
      if (t.status === "skipped" && t.detail.startsWith("not selected")) continue;
      const detail = t.detail.split("\n");
      out.push(`  ${t.status.padEnd(9)} ${t.name.padEnd(12)} ${detail[0]}`);
      for (const more of detail.slice(1)) out.push(`  ${"".padEnd(9)} ${"".padEnd(12)} ${more}`);
    }
  }
  return out.join("\n");
}
