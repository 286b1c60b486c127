// jitsi-videobridge: its XMPP client connection in jvb.conf (login jvb@auth.<domain>, the brewery MUC), with a password
// the accounts task registers in Prosody.
import { randomBytes } from "node:crypto";
import { HostError, PendingChangeError } from "../src/errors.js";
import { readFiles, type FileFact } from "../src/facts/files.js";
import { configOwnership, type ConfigOwnership } from "../src/facts/config-ownership.js";
import { PATHS, UNITS } from "../src/platform.js";
import { editJvb, JVB_CONNECTION, JVB_USERNAME, readJvb } from "../src/render/jvb.js";
import type { Task } from "../src/task.js";

export const JVB_CONF = PATHS.jvbConf;
export const JVB_PASSWORD = "jvb.password";
export const JVB_PASSWORD_NEW = "jvb.password.new";

export interface VideobridgeFacts {
  file: FileFact | null;
  /** The owner, group and mode the file must have (the package's tmpfiles rule, or root:<the bridge's group> 0640). */
  ownership: ConfigOwnership;
  /** The password our connection in jvb.conf holds, or a fresh one when it holds none. */
  password: string;
  generated: boolean;
  /** Other XMPP client connections jvb.conf configures (the bridge opens each). */
  others: string[];
}

export const videobridge: Task<VideobridgeFacts> = {
  name: "videobridge",
  title: "jitsi-videobridge: XMPP login and brewery",
  async gather({ host, state }) {
    const file = (await readFiles(host, [JVB_CONF])).get(JVB_CONF) ?? null;
    const ownership = await configOwnership(host, UNITS.videobridge, JVB_CONF);
    let existing: string | undefined;
    let others: string[] = [];
    if (file) {
      try {
        const settings = readJvb(file.content);
        existing = settings.password;
        others = settings.connections.filter((c) => c !== JVB_CONNECTION);
      } catch (e) {
        throw new HostError(`${JVB_CONF} is not valid HOCON: ${(e as Error).message}`, { where: host.name, fix: `repair ${JVB_CONF} by hand (jitsi-videobridge cannot start with it either)` });
      }
    }
    const password = existing ?? randomBytes(24).toString("base64url");
    state.secrets.add(password);
    state.facts.set(JVB_PASSWORD, password);
    state.facts.set(JVB_PASSWORD_NEW, existing === undefined);
    return { file, ownership, password, generated: existing === undefined, others };
  },
  plan(inv, f) {
    if (!f.file) throw new PendingChangeError(`${JVB_CONF} does not exist`, ["jitsi-videobridge"], { where: inv.name, fix: "install jitsi-videobridge (the bootstrap task does)" });
    const { owner, group, mode, why } = f.ownership;
    if (!group)
      throw new PendingChangeError(`cannot tell which group ${UNITS.videobridge}.service runs as (its unit sets no User=/Group= that exists on the host)`, ["jitsi-videobridge"], {
        where: inv.name,
        fix: "reinstall jitsi-videobridge (its package creates the user and the unit), then run again",
      });
    let content: string;
    try {
      content = editJvb(f.file.content, { domain: inv.jitsi.domain, prosodyAddress: inv.jitsi.prosodyAddress, password: f.password });
    } catch (e) {
      throw new HostError((e as Error).message, { where: inv.name });
    }
    const ok = content === f.file.content && f.file.owner === owner && f.file.group === group && f.file.mode === mode;
    const also = f.others.length ? `; it also connects as ${f.others.join(", ")} (not ours)` : "";
    return {
      changes: ok ? [] : [{ kind: "file", path: JVB_CONF, content, previous: f.file.content, owner, group, mode, notify: [UNITS.videobridge] }],
      reason: `${JVB_CONF} logs the bridge in as ${JVB_USERNAME}@auth.${inv.jitsi.domain}${also}; ${owner}:${group} ${mode.toString(8).padStart(4, "0")}, ${why}`,
    };
  },
};
