// jitsi-meet web config: hosts.domain / anonymousdomain / muc and the bosh and websocket URLs, edited in place.
import { PendingChangeError } from "../src/errors.js";
import { file, type FileFact } from "../src/facts/files.js";
import { editConfigJs } from "../src/render/config-js.js";
import type { Task } from "../src/task.js";
import { PATHS } from "../src/platform.js";
import { titleOf } from "./catalog.js";

export const CONFIG_JS = PATHS.configJs;

export const jitsiMeet: Task<FileFact | null> = {
  name: "jitsi-meet",
  title: titleOf("jitsi-meet"),
  facts: () => file(CONFIG_JS),
  plan(inv, f) {
    if (!f) throw new PendingChangeError(`${CONFIG_JS} does not exist`, ["jitsi-meet"], { where: inv.name, fix: "install jitsi-meet (the bootstrap task does)" });
    // A config.js it cannot edit is refused by editConfigJs (a HostError naming the file and the fix).
    const content = editConfigJs(f.content, { domain: inv.jitsi.domain, guestDomain: inv.jitsi.guestDomain });
    // The web server only reads this file; it holds no secret.
    return {
      changes: content === f.content ? [] : [{ kind: "file", path: CONFIG_JS, content, previous: f.content, owner: f.owner, group: f.group, mode: f.mode, notify: [] }],
      reason: `${CONFIG_JS} points guests at ${inv.jitsi.guestDomain}`,
    };
  },
};
