// nginx: the site that serves the web app and proxies /http-bind and /xmpp-websocket to Prosody (docs/jitsi.md §3.4).
import { PendingChangeError } from "../src/errors.js";
import { file, renderedFile, type FileFact } from "../src/facts/files.js";
import type { Inventory } from "../src/inventory-types.js";
import { ensureNginxInclude, nginxSitePath, renderNginxSite } from "../src/render/nginx.js";
import type { Change, Task } from "../src/task.js";
import { PATHS, UNITS } from "../src/platform.js";
import { titleOf } from "./catalog.js";

export const WEB_ROOT = PATHS.webRoot;

export interface NginxFacts {
  conf: FileFact | null;
  site: FileFact | null;
}

/** The site file's content for this inventory. */
export function siteContent(inv: Inventory): string {
  const d = inv.jitsi.domain;
  return renderNginxSite({
    domain: d,
    listen: inv.jitsi.webAddress,
    prosodyAddress: inv.jitsi.prosodyAddress,
    cert: `${PATHS.certDir}/${d}.crt`,
    key: `${PATHS.certDir}/${d}.key`,
    webRoot: WEB_ROOT,
    configJs: PATHS.configJs,
  });
}

export const nginx: Task<NginxFacts> = {
  name: "nginx",
  title: titleOf("nginx"),
  // The site is ours, rendered whole and without secrets: compared on the host, carried back only when it differs.
  facts: (inv) => ({ conf: file(PATHS.nginxConf), site: renderedFile(nginxSitePath(inv.jitsi.domain), siteContent(inv)) }),
  plan(inv, f) {
    if (!f.conf) throw new PendingChangeError(`${PATHS.nginxConf} does not exist`, ["nginx"], { where: inv.name, fix: "install nginx (the bootstrap task does)" });
    const changes: Change[] = [];
    // An nginx.conf it cannot edit is refused by ensureNginxInclude (a HostError naming the file and the fix).
    const conf = ensureNginxInclude(f.conf.content);
    if (conf.changed)
      changes.push({ kind: "file", path: PATHS.nginxConf, content: conf.content, previous: f.conf.content, owner: f.conf.owner, group: f.conf.group, mode: f.conf.mode, notify: [UNITS.nginx] });
    const path = nginxSitePath(inv.jitsi.domain);
    const content = siteContent(inv);
    if (!f.site || f.site.content !== content || f.site.mode !== 0o644 || f.site.owner !== "root")
      changes.push({ kind: "file", path, content, previous: f.site?.content ?? null, owner: "root", group: "root", mode: 0o644, notify: [UNITS.nginx] });
    return { changes, reason: `${path} up to date and included from ${PATHS.nginxConf}` };
  },
};
