// Shared by the commands: load several hosts' inventories at once, and end a run (summary, report, exit code).
import { accessSync, closeSync, constants, fchmodSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { EXIT, ProvisionError, UsageError } from "./errors.js";
import { loadFleet, refuseBridge } from "./fleet.js";
import type { Inventory } from "./inventory-types.js";
import { formatEnd } from "./output/end.js";
import { formatSummary, type HostReport } from "./runner.js";

/**
 * Load the hosts named by --host (host or group names) with their deployments (src/fleet.ts loadFleet: main hosts
 * first, a main host's `bridges`, a bridge's `main`); all problems of all hosts in one UsageError.
 * `mainsOnly` (a command that runs against main hosts only: token, verify): a videobridge host named on the command
 * line is refused, naming its main host; one that a group brought in is replaced by its main host.
 */
export function loadAll(names: string[] | undefined, dir: string | undefined, mainsOnly?: string): Inventory[] {
  const { run, mains } = loadFleet(names, dir);
  if (mainsOnly === undefined) return run;
  for (const inv of run) if (inv.role === "videobridge" && names?.includes(inv.name)) refuseBridge(inv, mainsOnly, inv.main);
  const out = run.filter((i) => i.role === "main");
  for (const m of mains) if (!out.includes(m) && run.some((i) => i.main === m.name)) out.push(m);
  return out;
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
