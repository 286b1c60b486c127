// jicofo: JWT authentication against the main domain, and its XMPP client settings (keeping the package's focus password).
import { randomBytes } from "node:crypto";
import { HostError, PendingChangeError } from "../src/errors.js";
import { readFiles, type FileFact } from "../src/facts/files.js";
import { configOwnership, type ConfigOwnership } from "../src/facts/config-ownership.js";
import { PATHS, UNITS } from "../src/platform.js";
import { editJicofo, readJicofo } from "../src/render/jicofo.js";
import type { Task } from "../src/task.js";

export const JICOFO_CONF = PATHS.jicofoConf;
export const FOCUS_PASSWORD = "focus.password";
export const FOCUS_PASSWORD_NEW = "focus.password.new";

export interface JicofoFacts {
  file: FileFact | null;
  /** The owner, group and mode the file must have (the package's tmpfiles rule, or root:<jicofo's group> 0640). */
  ownership: ConfigOwnership;
  /** The focus password the file holds, or a fresh one when it holds none. */
  focusPassword: string;
  generated: boolean;
}

export const jicofo: Task<JicofoFacts> = {
  name: "jicofo",
  title: "jicofo: JWT authentication and XMPP client",
  async gather({ host, state }) {
    const file = (await readFiles(host, [JICOFO_CONF])).get(JICOFO_CONF) ?? null;
    const ownership = await configOwnership(host, UNITS.jicofo, JICOFO_CONF);
    let existing: string | undefined;
    if (file) {
      try {
        existing = readJicofo(file.content).focusPassword;
      } catch (e) {
        throw new HostError(`${JICOFO_CONF} is not valid HOCON: ${(e as Error).message}`, { where: host.name, fix: `repair ${JICOFO_CONF} by hand (jicofo cannot start with it either)` });
      }
    }
    const focusPassword = existing ?? randomBytes(24).toString("base64url");
    state.secrets.add(focusPassword);
    state.facts.set(FOCUS_PASSWORD, focusPassword);
    state.facts.set(FOCUS_PASSWORD_NEW, existing === undefined);
    return { file, ownership, focusPassword, generated: existing === undefined };
  },
  plan(inv, f) {
    if (!f.file)
      throw new PendingChangeError(`${JICOFO_CONF} does not exist`, ["jicofo"], { where: inv.name, fix: "install jicofo (the bootstrap task does)" });
    const { owner, group, mode, why } = f.ownership;
    if (!group)
      throw new PendingChangeError(`cannot tell which group ${UNITS.jicofo}.service runs as (its unit sets no User=/Group= that exists on the host)`, ["jicofo"], {
        where: inv.name,
        fix: `reinstall jicofo (its package creates the user and the unit), then run again`,
      });
    const content = editJicofo(f.file.content, { domain: inv.jitsi.domain, prosodyAddress: inv.jitsi.prosodyAddress, focusPassword: f.focusPassword });
    const ok = content === f.file.content && f.file.owner === owner && f.file.group === group && f.file.mode === mode;
    return {
      changes: ok ? [] : [{ kind: "file", path: JICOFO_CONF, content, previous: f.file.content, owner, group, mode, notify: [UNITS.jicofo] }],
      reason: `${JICOFO_CONF} has JWT authentication for ${inv.jitsi.domain}; ${owner}:${group} ${mode.toString(8).padStart(4, "0")}, ${why}`,
    };
  },
};
