// The main command (provision --host …): its flags checked before connecting, then the run, plain or on a TTY.
import { CATALOG } from "../tasks/catalog.js";
import { TASKS } from "../tasks/index.js";
import { UsageError } from "./errors.js";
import { connectSsh } from "./host/ssh.js";
import { checkSshKeys } from "./host/ssh-keys.js";
import { plainSink } from "./output/plain.js";
import { runHosts, type RunOptions } from "./runner.js";
import { checkReportPath, finish } from "./cli-shared.js";
import { loadFleet } from "./fleet.js";
import type { Inventory } from "./inventory-types.js";
import { didYouMean } from "./suggest.js";

export interface RunFlags {
  host?: string[];
  check?: boolean;
  diff?: boolean;
  only?: string[];
  skip?: string[];
  report?: string;
  parallel: number;
  acceptNewHostKey?: boolean;
  lockTimeout: number;
  public?: boolean;
  inventory?: string;
  verify: boolean;
  verbose?: boolean;
}

function checkTaskNames(names: string[] | undefined, flag: string): void {
  const known: string[] = CATALOG.map((t) => t.name);
  if (names !== undefined && names.length === 0)
    throw new UsageError(`${flag} needs at least one task name`, { fix: `use names from: ${known.join(", ")}` });
  const bad = (names ?? []).filter((n) => !known.includes(n));
  if (bad.length)
    throw new UsageError(`unknown task name${bad.length > 1 ? "s" : ""} in ${flag}: ${bad.map((n) => `${n}${didYouMean(n, known, 3)}`).join(", ")}`, {
      fix: `use names from: ${known.join(", ")}`,
    });
}

/**
 * Everything about the main command's flags that can be checked before connecting: task names, an empty --only,
 * the --report path, a selection that leaves no task to run (the inventories are checked next, by loadAll). Throws a UsageError (exit 2).
 */
export function checkRunFlags(o: RunFlags): void {
  checkTaskNames(o.only, "--only");
  checkTaskNames(o.skip, "--skip");
  checkReportPath(o.report);
  const opts = runOptions(o);
  const left = CATALOG.filter((t) => (!opts.only?.length || opts.only.includes(t.name)) && !(opts.skip ?? []).includes(t.name));
  if (left.length === 0) {
    const why = [o.only ? `--only ${o.only.join(",")}` : "", o.skip?.length ? `--skip ${o.skip.join(",")}` : "", o.check ? "--check (skips verify and bridges)" : "", o.verify === false ? "--no-verify" : ""].filter(Boolean);
    throw new UsageError(`nothing left to run: ${why.join(" with ")} selects no task`, { fix: "leave at least one task selected (see provision tasks)" });
  }
}

/** The runner's options for the main command's flags (--public: the verify proof goes through the public URL). */
export function runOptions(o: RunFlags, signal?: AbortSignal): RunOptions {
  return {
    check: Boolean(o.check),
    diff: Boolean(o.diff),
    only: o.only,
    skip: [...(o.skip ?? []), ...(o.verify === false || o.check ? ["verify", "bridges"] : [])],
    parallel: o.parallel,
    lockTimeoutMs: o.lockTimeout * 1000,
    public: o.public === true,
    verbose: o.verbose === true,
    signal,
  };
}

/**
 * How progress is shown: on a terminal, listr2's live view (a title per host ticking [step/steps] and elapsed time);
 * piped, one plain line per event, each starting with its host (src/output/plain.ts).
 */
export function progressOptions(hosts: string[], tty: boolean, write: (text: string) => void): Pick<RunOptions, "renderer" | "log"> {
  return tty ? { renderer: "default" } : { renderer: "silent", log: plainSink(hosts, write) };
}

/**
 * The hosts a run connects to: the ones named (main hosts first), and the main host of a deployment whose videobridge
 * hosts are in the run but it is not, for its `bridges` check only (when that check is selected).
 */
export function runHostsOf(fleet: { run: Inventory[]; mains: Inventory[] }, opts: Pick<RunOptions, "only" | "skip">): { invs: Inventory[]; onlyFor: Record<string, string[]> } {
  const checks = (!opts.only?.length || opts.only.includes("bridges")) && !opts.skip?.includes("bridges");
  const extra = checks ? fleet.mains.filter((m) => !fleet.run.includes(m) && fleet.run.some((i) => i.main === m.name)) : [];
  const mains = [...fleet.run.filter((i) => i.role === "main"), ...extra];
  return { invs: [...mains, ...fleet.run.filter((i) => i.role !== "main")], onlyFor: Object.fromEntries(extra.map((m) => [m.name, ["bridges"]])) };
}

/** Run the main command; resolves to the exit code. */
export async function commandRun(o: RunFlags, signal?: AbortSignal): Promise<number> {
  checkRunFlags(o);
  const opts0 = runOptions(o, signal);
  const { invs, onlyFor } = runHostsOf(loadFleet(o.host, o.inventory), opts0);
  checkSshKeys(invs); // a missing key file is exit 2 before any connection
  const write = (t: string) => void process.stdout.write(t);
  const progress = progressOptions(
    invs.map((i) => i.name),
    Boolean(process.stdout.isTTY),
    write,
  );
  const connect = (inv: (typeof invs)[number]) => connectSsh(inv.name, inv.ssh, { acceptNewHostKey: o.acceptNewHostKey });
  const opts = { ...opts0, ...progress, onlyFor };
  // A run that verifies loads the verifier (the largest part of the program) while it connects and reads facts,
  // instead of after the restarts (src/apply.ts runProof imports it again: by then it is loaded).
  if ((!opts.only?.length || opts.only.includes("verify")) && !opts.skip?.includes("verify")) void import("./verify/index.js").catch(() => undefined);
  const reports = await runHosts(invs, TASKS, connect, opts);
  return finish(reports, Boolean(o.check), o.report);
}
