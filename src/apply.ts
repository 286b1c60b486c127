// Apply a plan's changes on a host: files (with a bounded backup), packages (yay as the login user), commands.
import type { Host } from "./host/host.js";
import { HostError } from "./errors.js";
import { MARK_PENDING, MARK_PENDING_FN, PENDING_RESTARTS } from "./facts/service-freshness.js";
import { maskSecrets, secretSafeDiff } from "./render/diff.js";
import type { Change, FileChange, RunState } from "./task.js";

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
  }
}

/** A unified diff of a planned file change; no secret shows, old or new (render/diff.ts secretSafeDiff). */
export function fileDiff(c: FileChange, secrets: Iterable<string>): string {
  return secretSafeDiff(c.path, c.previous, c.content, secrets);
}

/** Apply one change; files are recorded in state for rollback, units notified. */
export async function applyChange(host: Host, c: Change, state: RunState, stamp: string): Promise<void> {
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
  }
}

/** Put back every file written in this run (newest first): previous content, or remove a file that was new. */
export async function rollback(host: Host, state: RunState): Promise<string[]> {
  const restored: string[] = [];
  for (const w of [...state.written].reverse()) {
    if (w.previous === null) await host.check(["rm", "-f", "--", w.path], { sudo: true });
    else await host.writeFile(w.path, w.previous, { owner: w.owner, group: w.group, mode: w.mode });
    restored.push(w.path);
  }
  state.written.length = 0;
  return restored;
}

/** The last lines of some output, for error messages. */
export function tail(text: string, n = 15): string[] {
  return text.trimEnd().split("\n").filter((l) => l.trim() !== "").slice(-n);
}
