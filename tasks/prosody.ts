// Prosody: the per-domain include file we own, and the Include line in prosody.cfg.lua.
import { configOwnership, type ConfigOwnership } from "../src/facts/config-ownership.js";
import { file, renderedFile, type FileFact } from "../src/facts/files.js";
import { PendingChangeError } from "../src/errors.js";
import { ensureInclude } from "../src/render/prosody-main.js";
import { prosodyConfigPath, renderProsodyConfig } from "../src/render/prosody.js";
import type { Inventory } from "../src/inventory-types.js";
import type { Change, Task } from "../src/task.js";
import { PATHS, UNITS } from "../src/platform.js";
import { titleOf } from "./catalog.js";

export const PROSODY_MAIN = PATHS.prosodyMain;

export interface ProsodyFacts {
  main: FileFact | null;
  include: FileFact | null;
  /** Owner, group and mode of the include (it holds the app secret): root:<Prosody's group> 0640 unless a tmpfiles rule says otherwise. */
  ownership: ConfigOwnership;
}

/** The include file's content for this inventory. */
export function prosodyContent(inv: Inventory): string {
  return renderProsodyConfig({
    domain: inv.jitsi.domain,
    guestDomain: inv.jitsi.guestDomain,
    appId: inv.jwt.appId,
    appSecret: inv.jwt.appSecret,
    audience: inv.jwt.audience,
    pluginDir: inv.jitsi.pluginDir,
    certDir: PATHS.certDir,
  });
}

export const prosody: Task<ProsodyFacts> = {
  name: "prosody",
  title: titleOf("prosody"),
  facts(inv) {
    const path = prosodyConfigPath(inv.jitsi.domain);
    return { main: file(PROSODY_MAIN), include: renderedFile(path, prosodyContent(inv)), ownership: configOwnership(UNITS.prosody, path) };
  },
  plan(inv, f) {
    if (!f.main)
      throw new PendingChangeError(`${PROSODY_MAIN} does not exist`, ["prosody"], { where: inv.name, fix: "install prosody (the bootstrap task does)" });
    const changes: Change[] = [];
    // A prosody.cfg.lua it cannot read as Lua is refused by ensureInclude (a HostError naming the file and the fix).
    const main = ensureInclude(f.main.content);
    if (main.changed)
      changes.push({ kind: "file", path: PROSODY_MAIN, content: main.content, previous: f.main.content, owner: f.main.owner, group: f.main.group, mode: f.main.mode, notify: [UNITS.prosody] });
    const path = prosodyConfigPath(inv.jitsi.domain);
    const content = prosodyContent(inv);
    const inc = f.include;
    const { owner, group, mode } = f.ownership;
    if (!group)
      throw new PendingChangeError(`cannot tell which group ${UNITS.prosody}.service runs as (its unit sets no User=/Group= that exists on the host)`, ["prosody"], { where: inv.name, fix: "reinstall prosody (its package creates the user and the unit), then run again" });
    if (!inc || inc.content !== content || inc.owner !== owner || inc.group !== group || inc.mode !== mode)
      changes.push({ kind: "file", path, content, previous: inc?.content ?? null, owner, group, mode, notify: [UNITS.prosody] });
    return { changes, reason: `${path} up to date and included` };
  },
};
