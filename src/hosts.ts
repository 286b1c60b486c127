// Shared by the commands: load several hosts' inventories at once, and end a run (summary, report, exit code).
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { EXIT, ProvisionError, UsageError } from "./errors.js";
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
  if (reportFile) {
    try {
      writeReport(reportFile, `${JSON.stringify(reports, null, 2)}\n`);
    } catch (e) {
      throw new ProvisionError(`cannot write the report ${reportFile}: ${(e as Error).message}`, { fix: "give --report a path in a writable directory" });
    }
  }
  return reports.every((r) => r.ok) ? EXIT.OK : EXIT.FAILED;
}


/**
 * Write the --report file: mode 0600 always (an existing file's mode does not carry over), replaced atomically
 * (a new file in the same directory, renamed over the old one), so no reader ever sees it half-written or readable.
 */
export function writeReport(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, "wx", 0o600);
  try {
    try {
      fchmodSync(fd, 0o600); // whatever the umask
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
