// Shared by the commands: load several hosts' inventories at once, and end a run (summary, report, exit code).
import { writeFileSync } from "node:fs";
import { EXIT, UsageError } from "./errors.js";
import { loadInventory } from "./inventory.js";
import type { Inventory } from "./inventory-types.js";
import { formatSummary, type HostReport } from "./runner.js";
import { formatChecks, type CheckResult } from "./verify/index.js";

/** Load every host's inventory; all problems of all hosts in one UsageError. */
export function loadAll(names: string[] | undefined, dir: string | undefined): Inventory[] {
  if (!names || names.length === 0)
    throw new UsageError("no host given", { fix: "name at least one host: provision --host <name> (inventory/<name>.env)" });
  const invs: Inventory[] = [];
  const errors: UsageError[] = [];
  for (const n of [...new Set(names)]) {
    try {
      invs.push(loadInventory(n, { dir }));
    } catch (e) {
      if (e instanceof UsageError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1)
    throw new UsageError(`${errors.length} inventories are invalid`, { lines: errors.flatMap((e) => e.format().split("\n")) });
  return invs;
}

/** Print the summary, write the report, and return the exit code. */
export function finish(reports: HostReport[], check: boolean, reportFile?: string): number {
  for (const r of reports)
    if (Array.isArray(r.verification)) process.stdout.write(`\n${r.host}: verification\n${formatChecks(r.verification as CheckResult[])}\n`);
  process.stdout.write(`\n${formatSummary(reports, check)}\n`);
  if (reportFile) writeFileSync(reportFile, `${JSON.stringify(reports, null, 2)}\n`, { mode: 0o600 });
  return reports.every((r) => r.ok) ? EXIT.OK : EXIT.FAILED;
}

