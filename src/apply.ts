// Apply a plan's changes on a host: files (with a bounded backup), packages (yay as the login user), commands,
// restarts (src/restart.ts); and run a plan's proof (verification).
import { HostError } from "./errors.js";
import { MARK_PENDING, MARK_PENDING_FN, PENDING_RESTARTS } from "./facts/service-freshness.js";
import { maskSecrets, secretSafeDiff } from "./render/diff.js";
import { applyRestart } from "./restart.js";
import { tail } from "./rollback.js";
import type { Change, FileChange, TaskContext, VerifyProof } from "./task.js";

export { rollback, tail } from "./rollback.js";

/** Where previous versions of managed files are kept, and how many per file. */
export const BACKUP_DIR = "/var/backups/provision";
export const BACKUPS_KEPT = 5;

// Records the units that will owe a restart once the file changes (before it changes: see service-freshness.ts);
// makes sure the file's directory exists; copies the current file to BACKUP_DIR/<flattened path>.<stamp> and
// keeps the newest BACKUPS_KEPT. Arguments: $1 file, $2 backup dir, $3 stamp, $4 how many to keep, $5 the
// pending-restarts file, then the units.
const PREPARE_SCRIPT = `set -e
${MARK_PENDING_FN}
f=$1 b=$2 s=$3 k=$4 p=$5; shift 5
[ $# -eq 0 ] || mark_pending "$p" "$@"
set -- "$f" "$b" "$s" "$k"
mkdir -p -- "$(dirname -- "$1")"
[ -e "$1" ] || exit 0
stat -c '@@stat %U %G %a' -- "$1"
umask 077; mkdir -p "$2"
base="$2/$(printf %s "$1" | sed 's|^/||; s|/|_|g')"
cp -p -- "$1" "$base.$3"
ls -1t -- "$base".* 2>/dev/null | tail -n +$(($4 + 1)) | while IFS= read -r old; do rm -f -- "$old"; done`;

/** One line describing a change, safe to show (no secrets, no file content). */
export function describeChange(c: Change): string {
  switch (c.kind) {
    case "file":
      return `${c.previous === null ? "create" : "update"} ${c.path}`;
    case "packages":
      return `install ${c.names.join(" ")}`;
    case "command":
      return c.summary;
    case "restart":
      return changeLines(c).join("; ");
  }
}

/** The lines a change shows in the report: one per unit for a restart, else describeChange. */
export function changeLines(c: Change): string[] {
  if (c.kind === "restart") return c.units.map((u) => `restart ${u}${c.why[u] ? ` (${c.why[u]})` : ""}`);
  return [describeChange(c)];
}

/** A unified diff of a planned file change; no secret shows, old or new (render/diff.ts secretSafeDiff). */
export function fileDiff(c: FileChange, secrets: Iterable<string>): string {
  return secretSafeDiff(c.path, c.previous, c.content, secrets);
}

/** Apply one change; files are recorded in state for rollback, units notified. */
export async function applyChange(ctx: TaskContext, c: Change, stamp: string): Promise<void> {
  const { host, state } = ctx;
  switch (c.kind) {
    case "file": {
      const prep = await host.check(["sh", "-c", PREPARE_SCRIPT, "prepare", c.path, BACKUP_DIR, stamp, String(BACKUPS_KEPT), PENDING_RESTARTS, ...c.notify], { sudo: true });
      // A rollback puts back the previous content with the previous owner, group and mode (as they are on the host
      // now), not the ones this change sets.
      const was = /^@@stat (\S+) (\S+) ([0-7]+)$/m.exec(prep.stdout);
      state.written.push({ path: c.path, previous: c.previous, ...(was ? { owner: was[1]!, group: was[2]!, mode: parseInt(was[3]!, 8) } : { owner: c.owner, group: c.group, mode: c.mode }) });
      await host.writeFile(c.path, c.content, { owner: c.owner, group: c.group, mode: c.mode });
      for (const u of c.notify) state.notified.add(u);
      return;
    }
    case "packages": {
      // yay refuses to run as root: it runs as the login user and calls sudo itself.
      const r = await host.run(["yay", "-S", "--needed", "--noconfirm", ...c.names]);
      if (r.code !== 0)
        throw new HostError(`yay could not install ${c.names.join(" ")} (exit ${r.code})`, {
          where: host.name,
          lines: tail(r.stderr || r.stdout),
          fix: "check the package names and that the AUR is reachable from the host; run the yay command by hand to see the whole output",
        });
      return;
    }
    case "command": {
      if (c.notify?.length) await host.check(["sh", "-c", MARK_PENDING, "mark-pending", PENDING_RESTARTS, ...c.notify], { sudo: true });
      const r = await host.run(c.argv, { sudo: c.sudo, user: c.user, stdin: c.stdin });
      if (r.code !== 0)
        throw new HostError(`${c.summary} failed (exit ${r.code})`, {
          where: host.name,
          lines: tail(maskSecrets(r.stderr || r.stdout, state.secrets)),
        });
      for (const u of c.notify ?? []) state.notified.add(u);
      return;
    }
    case "restart":
      return applyRestart(ctx, c);
  }
}

/** Run a plan's proof; its one-line outcome, or a HostError naming what failed. Results go into the run state. */
export async function runProof(ctx: TaskContext, p: VerifyProof): Promise<string> {
  if (p.kind === "bridges") return runBridgesProof(ctx);
  // Loaded only when a run verifies (the verifier and its XMPP client are the largest part of the program).
  const { formatChecks, verifyHost } = await import("./verify/index.js");
  ctx.log("running checks a–h over XMPP and through nginx");
  const results = await verifyHost(ctx.host, ctx.inv, { public: p.public });
  ctx.state.verification = results;
  const failed = results.filter((r) => !r.ok);
  if (failed.length)
    throw new HostError(`verification failed: ${failed.map((r) => r.name).join(", ")}`, { where: ctx.inv.name, lines: formatChecks(results).split("\n") });
  return `${results.length}/${results.length} checks passed: ${results.map((r) => r.name).join(", ")}`;
}

/** The `bridges` proof: once the run's videobridge hosts are done, every bridge of the deployment must be operational for jicofo. */
async function runBridgesProof(ctx: TaskContext): Promise<string> {
  const { bridgesCheck } = await import("./verify/bridges.js");
  if (ctx.fleet) {
    ctx.log("waiting for the videobridge hosts of this run");
    await ctx.fleet.bridgesDone();
  }
  ctx.log(`reading jicofo's bridges (${ctx.inv.bridges.length + 1} expected)`);
  const result = await bridgesCheck(ctx.host, ctx.inv, ctx.fleet);
  ctx.state.verification = [...(ctx.state.verification ?? []), result];
  if (!result.ok) throw new HostError(`verification failed: ${result.name}`, { where: ctx.inv.name, lines: result.detail.split("; ") });
  return result.detail;
}
