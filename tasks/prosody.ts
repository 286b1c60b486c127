// Prosody: the per-domain include file we own, and the Include line in prosody.cfg.lua.
import { readFiles, type FileFact } from "../src/facts/files.js";
import { HostError } from "../src/errors.js";
import { ensureInclude } from "../src/render/prosody-main.js";
import { prosodyConfigPath, renderProsodyConfig } from "../src/render/prosody.js";
import type { Inventory } from "../src/inventory-types.js";
import type { Change, Task } from "../src/task.js";
import { PATHS } from "../src/platform.js";

export const PROSODY_MAIN = PATHS.prosodyMain;

export interface ProsodyFacts {
  main: FileFact | null;
  include: FileFact | null;
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
  title: "Prosody: token-authenticated domain, guest domain, conference and focus components",
  async gather({ host, inv }) {
    const files = await readFiles(host, [PROSODY_MAIN, prosodyConfigPath(inv.jitsi.domain)]);
    return { main: files.get(PROSODY_MAIN) ?? null, include: files.get(prosodyConfigPath(inv.jitsi.domain)) ?? null };
  },
  plan(inv, f) {
    if (!f.main)
      throw new HostError(`${PROSODY_MAIN} does not exist`, { where: inv.name, fix: "install prosody (the bootstrap task does)" });
    const changes: Change[] = [];
    let main: { content: string; changed: boolean };
    try {
      main = ensureInclude(f.main.content);
    } catch (e) {
      throw new HostError((e as Error).message, { where: inv.name });
    }
    if (main.changed)
      changes.push({ kind: "file", path: PROSODY_MAIN, content: main.content, previous: f.main.content, owner: f.main.owner, group: f.main.group, mode: f.main.mode, notify: ["prosody"] });
    const path = prosodyConfigPath(inv.jitsi.domain);
    const content = prosodyContent(inv);
    const inc = f.include;
    if (!inc || inc.content !== content || inc.owner !== "root" || inc.group !== "prosody" || inc.mode !== 0o640)
      changes.push({ kind: "file", path, content, previous: inc?.content ?? null, owner: "root", group: "prosody", mode: 0o640, notify: ["prosody"] });
    return { changes, reason: `${path} up to date and included` };
  },
};
