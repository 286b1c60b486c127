// jicofo: JWT authentication against the main domain and its XMPP client settings, in our own file that jicofo.conf
// includes last (keeping the focus password already set).
import { HostError, PendingChangeError } from "../src/errors.js";
import { file, type FileFact } from "../src/facts/files.js";
import { configOwnership, type ConfigOwnership } from "../src/facts/config-ownership.js";
import type { Inventory } from "../src/inventory-types.js";
import { PATHS, UNITS } from "../src/platform.js";
import { editJicofoConf, existingFocusPassword, renderJicofoProvision } from "../src/render/jicofo.js";
import { planEnv, type FileChange, type Task } from "../src/task.js";

export const JICOFO_CONF = PATHS.jicofoConf;
export const JICOFO_PROVISION_CONF = PATHS.jicofoProvisionConf;

export interface JicofoFacts {
  /** The package's jicofo.conf. */
  file: FileFact | null;
  /** Our file, included last by jicofo.conf. */
  ours: FileFact | null;
  /** The owner, group and mode both files must have (the package's tmpfiles rule, or root:<jicofo's group> 0640). */
  ownership: ConfigOwnership;
}

// How the files are read and written, in one place (src/render/jicofo.ts): the focus password to keep, and the
// wanted content of both files.
/** The focus password already set (undefined: none). */
function focusPasswordIn(inv: Inventory, f: JicofoFacts & { file: FileFact }): string | undefined {
  return unreadable(inv, () => existingFocusPassword(f.ours?.content ?? null, f.file.content));
}

/** The wanted content of our file and of jicofo.conf; a HostError for a jicofo.conf that cannot be edited. */
function jicofoContents(inv: Inventory, jicofoConf: string, focusPassword: string): { ours: string; conf: string } {
  const ours = renderJicofoProvision({ domain: inv.jitsi.domain, prosodyAddress: inv.jitsi.prosodyAddress, focusPassword });
  return { ours, conf: unreadable(inv, () => editJicofoConf(jicofoConf)) };
}

export const jicofo: Task<JicofoFacts> = {
  name: "jicofo",
  title: "jicofo: JWT authentication and XMPP client",
  facts: () => ({ file: file(JICOFO_CONF), ours: file(JICOFO_PROVISION_CONF), ownership: configOwnership(UNITS.jicofo, JICOFO_CONF) }),
  plan(inv, f, env) {
    if (!f.file)
      throw new PendingChangeError(`${JICOFO_CONF} does not exist`, ["jicofo"], { where: inv.name, fix: "install jicofo (the bootstrap task does)" });
    const existing = focusPasswordIn(inv, { ...f, file: f.file });
    const { owner, group, mode, why } = f.ownership;
    if (!group)
      throw new PendingChangeError(`cannot tell which group ${UNITS.jicofo}.service runs as (its unit sets no User=/Group= that exists on the host)`, ["jicofo"], {
        where: inv.name,
        fix: `reinstall jicofo (its package creates the user and the unit), then run again`,
      });
    // The focus password already set is kept; without one a fresh one is made (the accounts task registers it).
    const focusPassword = { value: existing ?? (env ?? planEnv()).random(), generated: existing === undefined };
    const want = jicofoContents(inv, f.file.content, focusPassword.value);
    const changes: FileChange[] = [];
    // Ours first: jicofo.conf then includes a file that exists.
    for (const [path, now, content] of [[JICOFO_PROVISION_CONF, f.ours, want.ours], [JICOFO_CONF, f.file, want.conf]] as const)
      if (!now || now.content !== content || now.owner !== owner || now.group !== group || now.mode !== mode)
        changes.push({ kind: "file", path, content, previous: now?.content ?? null, owner, group, mode, notify: [UNITS.jicofo] });
    return {
      changes,
      reason: `${JICOFO_PROVISION_CONF} (included last by ${JICOFO_CONF}) has JWT authentication for ${inv.jitsi.domain}; ${owner}:${group} ${mode.toString(8).padStart(4, "0")}, ${why}`,
      handoff: { focusPassword },
      secrets: [focusPassword.value],
    };
  },
};

/** `read()`, with its error (a damaged block, a root that cannot take the include) as a HostError naming the fix. */
function unreadable<T>(inv: Inventory, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new HostError((e as Error).message, { where: inv.name, fix: `repair ${JICOFO_CONF} by hand, then run again` });
  }
}
