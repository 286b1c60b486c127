// jitsi-videobridge: its XMPP client connection (login jvb@auth.<domain>, the brewery MUC) in our own file that jvb.conf
// includes last, with a password the accounts task registers in Prosody.
import { HostError, PendingChangeError } from "../src/errors.js";
import { file, type FileFact } from "../src/facts/files.js";
import { configOwnership, type ConfigOwnership } from "../src/facts/config-ownership.js";
import type { Inventory } from "../src/inventory-types.js";
import { PATHS, UNITS } from "../src/platform.js";
import { editJvbConf, existingJvbPassword, JVB_USERNAME, renderJvbProvision } from "../src/render/jvb.js";
import { planEnv, type FileChange, type Task } from "../src/task.js";

export const JVB_CONF = PATHS.jvbConf;
export const JVB_PROVISION_CONF = PATHS.jvbProvisionConf;

export interface VideobridgeFacts {
  /** The package's jvb.conf. */
  file: FileFact | null;
  /** Our file, included last by jvb.conf. */
  ours: FileFact | null;
  /** The owner, group and mode both files must have (the package's tmpfiles rule, or root:<the bridge's group> 0640). */
  ownership: ConfigOwnership;
}

// How the files are read and written, in one place (src/render/jvb.ts): the password to keep, and the wanted
// content of both files.
/** The bridge's password already set (undefined: none). */
function jvbPasswordIn(inv: Inventory, f: VideobridgeFacts & { file: FileFact }): string | undefined {
  return unreadable(inv, () => existingJvbPassword(f.ours?.content ?? null, f.file.content));
}

/** The wanted content of our file and of jvb.conf; a HostError for a jvb.conf that cannot be edited. */
function jvbContents(inv: Inventory, jvbConf: string, password: string): { ours: string; conf: string } {
  const ours = renderJvbProvision({ domain: inv.jitsi.domain, prosodyAddress: inv.jitsi.prosodyAddress, password });
  return { ours, conf: unreadable(inv, () => editJvbConf(jvbConf)) };
}

export const videobridge: Task<VideobridgeFacts> = {
  name: "videobridge",
  title: "jitsi-videobridge: XMPP login and brewery",
  facts: () => ({ file: file(JVB_CONF), ours: file(JVB_PROVISION_CONF), ownership: configOwnership(UNITS.videobridge, JVB_CONF) }),
  plan(inv, f, env) {
    if (!f.file) throw new PendingChangeError(`${JVB_CONF} does not exist`, ["jitsi-videobridge"], { where: inv.name, fix: "install jitsi-videobridge (the bootstrap task does)" });
    const existing = jvbPasswordIn(inv, { ...f, file: f.file });
    const { owner, group, mode, why } = f.ownership;
    if (!group)
      throw new PendingChangeError(`cannot tell which group ${UNITS.videobridge}.service runs as (its unit sets no User=/Group= that exists on the host)`, ["jitsi-videobridge"], {
        where: inv.name,
        fix: "reinstall jitsi-videobridge (its package creates the user and the unit), then run again",
      });
    // The password already set is kept; without one a fresh one is made (the accounts task registers it).
    const jvbPassword = { value: existing ?? (env ?? planEnv()).random(), generated: existing === undefined };
    const want = jvbContents(inv, f.file.content, jvbPassword.value);
    const changes: FileChange[] = [];
    // Ours first: jvb.conf then includes a file that exists.
    for (const [path, now, content] of [[JVB_PROVISION_CONF, f.ours, want.ours], [JVB_CONF, f.file, want.conf]] as const)
      if (!now || now.content !== content || now.owner !== owner || now.group !== group || now.mode !== mode)
        changes.push({ kind: "file", path, content, previous: now?.content ?? null, owner, group, mode, notify: [UNITS.videobridge] });
    return {
      changes,
      reason: `${JVB_PROVISION_CONF} (included last by ${JVB_CONF}) logs the bridge in as ${JVB_USERNAME}@auth.${inv.jitsi.domain}; ${owner}:${group} ${mode.toString(8).padStart(4, "0")}, ${why}`,
      handoff: { jvbPassword },
      secrets: [jvbPassword.value],
    };
  },
};

/** `read()`, with its error (a damaged block, a root that cannot take the include) as a HostError naming the fix. */
function unreadable<T>(inv: Inventory, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new HostError((e as Error).message, { where: inv.name, fix: `repair ${JVB_CONF} by hand, then run again` });
  }
}
