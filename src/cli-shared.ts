// Shared by the commands: load several hosts' inventories at once, and end a run (summary, report, exit code).
import { accessSync, closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { EXIT, ProvisionError, UsageError } from "./errors.js";
import { loadInventory } from "./inventory.js";
import type { Inventory } from "./inventory-types.js";
import { formatEnd } from "./output/end.js";
import { formatSummary, type HostReport } from "./runner.js";

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

/**
 * Refuse a --report path that cannot be written, before connecting to any host (exit 2), instead of finding out
 * after the whole run: its directory must exist, be a directory and be writable, and the path must not be a directory.
 */
export function checkReportPath(file: string | undefined): void {
  if (file === undefined) return;
  const fix = "give --report a file in an existing, writable directory";
  if (file === "") throw new UsageError("--report needs a file name", { fix });
  const path = resolve(file);
  const dir = dirname(path);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new UsageError(`--report ${file}: the directory ${dir} does not exist`, { fix });
  }
  if (!st.isDirectory()) throw new UsageError(`--report ${file}: ${dir} is not a directory`, { fix });
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`--report ${file}: the directory ${dir} is not writable`, { fix });
  }
  let target;
  try {
    target = statSync(path);
  } catch {
    return; // a new file
  }
  if (target.isDirectory()) throw new UsageError(`--report ${file}: ${path} is a directory`, { fix });
}

/** Print the verification tables, the summary and the recap (each failure once), write the report, and return the exit code. */
export function finish(reports: HostReport[], check: boolean, reportFile?: string): number {
  process.stdout.write(formatEnd(reports, formatSummary(reports, check), check));
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
