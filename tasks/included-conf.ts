// The shape jicofo's and the bridge's tasks share: our settings rendered whole into provision.conf, which the
// package's HOCON file includes last (docs/hocon.md), both files with the ownership the package's rules give, and an
// XMPP password kept across runs (generated once) that the accounts task registers.
import { HostError, PendingChangeError } from "../src/errors.js";
import { configOwnership, type ConfigOwnership } from "../src/facts/config-ownership.js";
import type { Fact, FactsOf } from "../src/facts/fact.js";
import { file, type FileFact } from "../src/facts/files.js";
import type { Inventory } from "../src/inventory-types.js";
import { planEnv, type FileChange, type Handoff, type Task } from "../src/task.js";

/** What the task reads. */
export interface IncludedConfFacts {
  /** The package's file (jicofo.conf, jvb.conf). */
  file: FileFact | null;
  /** Our file, included last by the package's file. */
  ours: FileFact | null;
  /** The owner, group and mode both files must have (the package's tmpfiles rule, or root:<the unit's group> 0640). */
  ownership: ConfigOwnership;
  /** What else the rendering needs from the host (the bridge's local address behind NAT), if anything. */
  extra?: unknown;
  /** Another file of the package this task edits (the bridge's sip-communicator.properties), if it exists. */
  also?: FileFact | null;
}

/** What differs between jicofo and the bridge. */
export interface IncludedConfSpec {
  name: string;
  title: string;
  /** The unit that reads both files (restarted when they change), and the package that brings it. */
  unit: string;
  pkg: string;
  conf: string;
  ours: string;
  /** The hand-off field the password goes into (for the accounts task, which registers it on this host). */
  handoff?: keyof Handoff;
  /** The password already set (our file, else an earlier version's block in the package's file), or undefined. */
  existingPassword(ours: string | null, conf: string): string | undefined;
  /** A password the inventory decides (a videobridge host's, derived from the deployment's secret); else the existing one is kept or a fresh one made. */
  fixedPassword?(inv: Inventory): string | undefined;
  /** A fact the rendering needs besides the files, if any. */
  extraFact?(inv: Inventory): Fact<unknown> | undefined;
  /** Our file's content for this inventory and password (and the extra fact's value). */
  render(inv: Inventory, password: string, extra: unknown): string;
  /** The package's file with our include line last. */
  editConf(conf: string): string;
  /** What the reason says our file does. */
  does(inv: Inventory): string;
  /** Another file of the package, edited in place when it exists (same ownership), with what the edit is for. */
  alsoEdits?: { path: string; edit(content: string): string; why: string };
}

/** The task for `s`. */
export function includedConfTask(s: IncludedConfSpec): Task<IncludedConfFacts> {
  /** `read()`; the renderer's HostError (a damaged block, a root that cannot take the include) names the file and fix. */
  const repairable = <T>(inv: Inventory, read: () => T): T => {
    try {
      return read();
    } catch (e) {
      if (e instanceof HostError) throw e;
      throw new HostError((e as Error).message, { where: inv.name, fix: `repair ${s.conf} by hand, then run again` });
    }
  };
  return {
    name: s.name,
    title: s.title,
    facts: (inv) => {
      const extra = s.extraFact?.(inv);
      return {
        file: file(s.conf),
        ours: file(s.ours),
        ownership: configOwnership(s.unit, s.conf),
        ...(extra ? { extra } : {}),
        ...(s.alsoEdits ? { also: file(s.alsoEdits.path) } : {}),
      } as FactsOf<IncludedConfFacts>;
    },
    plan(inv, f, env) {
      const pkgFile = f.file;
      if (!pkgFile) throw new PendingChangeError(`${s.conf} does not exist`, [s.pkg], { where: inv.name, fix: `install ${s.pkg} (the bootstrap task does)` });
      const existing = repairable(inv, () => s.existingPassword(f.ours?.content ?? null, pkgFile.content));
      const { owner, group, mode, why } = f.ownership;
      if (!group)
        throw new PendingChangeError(`cannot tell which group ${s.unit}.service runs as (its unit sets no User=/Group= that exists on the host)`, [s.pkg], {
          where: inv.name,
          fix: `reinstall ${s.pkg} (its package creates the user and the unit), then run again`,
        });
      // The password the inventory decides, else the one already set is kept; without one a fresh one is made (the
      // accounts task registers it).
      const fixed = s.fixedPassword?.(inv);
      const password = fixed !== undefined ? { value: fixed, generated: false } : { value: existing ?? (env ?? planEnv()).random(), generated: existing === undefined };
      const want = { ours: s.render(inv, password.value, f.extra), conf: repairable(inv, () => s.editConf(pkgFile.content)) };
      const changes: FileChange[] = [];
      // Ours first: the package's file then includes a file that exists.
      for (const [path, now, content] of [[s.ours, f.ours, want.ours], [s.conf, pkgFile, want.conf]] as const)
        if (!now || now.content !== content || now.owner !== owner || now.group !== group || now.mode !== mode)
          changes.push({ kind: "file", path, content, previous: now?.content ?? null, owner, group, mode, notify: [s.unit] });
      // The other file is only edited (its content), never created; it keeps the ownership it has.
      const also = s.alsoEdits && f.also ? { ...f.also, want: s.alsoEdits.edit(f.also.content) } : undefined;
      if (s.alsoEdits && also && also.want !== also.content)
        changes.push({ kind: "file", path: s.alsoEdits.path, content: also.want, previous: also.content, owner: also.owner, group: also.group, mode: also.mode, notify: [s.unit] });
      return {
        changes,
        reason: `${s.ours} (included last by ${s.conf}) ${s.does(inv)}; ${owner}:${group} ${mode.toString(8).padStart(4, "0")}, ${why}${s.alsoEdits && f.also ? `; ${s.alsoEdits.why}` : ""}`,
        handoff: s.handoff ? { [s.handoff]: password } : {},
        secrets: [password.value],
      };
    },
  };
}
