// XMPP accounts: focus (jicofo) and jvb on auth.<domain>, registered once; focus subscribed for client_proxy.
import { HostError } from "../src/errors.js";
import { parseProsodyAbout } from "../src/facts/prosody-about.js";
import type { Inventory } from "../src/inventory-types.js";
import type { Change, Task } from "../src/task.js";
import { FOCUS_PASSWORD, FOCUS_PASSWORD_NEW } from "./jicofo.js";
import { JVB_PASSWORD, JVB_PASSWORD_NEW } from "./videobridge.js";

/** Prosody's datamanager encoding of a host name in storage paths (every non-alphanumeric byte as %xx). */
export function storeName(host: string): string {
  return host.replace(/[^A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export interface AccountFacts {
  focus: boolean;
  jvb: boolean;
  subscribed: boolean;
  focusPassword?: string;
  focusPasswordNew: boolean;
  /** The password in jvb.conf (from the videobridge task). */
  jvbPassword?: string;
  jvbPasswordNew: boolean;
}

// $1 auth host storage dir name, $2 focus component. Prints the data dir and which accounts/roster entries exist.
// Without a readable config (prosodyctl about fails), Arch's default data directory is assumed.
const GATHER = `d=$(prosodyctl about 2>/dev/null | sed -n 's/^Data directory: *//p'); d=\${d:-/var/lib/prosody}
[ -d "$d" ] && echo "Data directory: $d"
[ -f "$d/$1/accounts/focus.dat" ] && echo "account focus"
[ -f "$d/$1/accounts/jvb.dat" ] && echo "account jvb"
grep -qF "$2" "$d/$1/roster/focus.dat" 2>/dev/null && echo "subscribed"
exit 0`;

export const accounts: Task<AccountFacts> = {
  name: "accounts",
  title: "XMPP accounts for jicofo and the videobridge",
  async gather({ host, inv, state }) {
    const auth = `auth.${inv.jitsi.domain}`;
    const r = await host.check(["sh", "-c", GATHER, "accounts", storeName(auth), `focus.${inv.jitsi.domain}`], { sudo: true });
    if (!parseProsodyAbout(r.stdout).dataDir)
      throw new HostError("prosodyctl about did not name Prosody's data directory", { where: inv.name, fix: "install prosody (the bootstrap task does)" });
    return {
      focus: /^account focus$/m.test(r.stdout),
      jvb: /^account jvb$/m.test(r.stdout),
      subscribed: /^subscribed$/m.test(r.stdout),
      focusPassword: state.facts.get(FOCUS_PASSWORD) as string | undefined,
      focusPasswordNew: state.facts.get(FOCUS_PASSWORD_NEW) === true,
      jvbPassword: state.facts.get(JVB_PASSWORD) as string | undefined,
      jvbPasswordNew: state.facts.get(JVB_PASSWORD_NEW) === true,
    };
  },
  plan(inv: Inventory, f) {
    const auth = `auth.${inv.jitsi.domain}`;
    const changes: Change[] = [];
    // Passwords go through stdin (prosodyctl reads "Enter new password" / "Retype" from it), never argv.
    if (!f.focus || f.focusPasswordNew) {
      if (!f.focusPassword)
        throw new HostError("the focus password is unknown (the jicofo task did not run)", { where: inv.name, fix: "run without --skip jicofo / --only, so that jicofo.conf is read first" });
      changes.push({
        kind: "command",
        summary: f.focus ? `set the password of focus@${auth} to jicofo's` : `register focus@${auth}`,
        argv: ["prosodyctl", f.focus ? "passwd" : "adduser", `focus@${auth}`],
        sudo: true,
        stdin: `${f.focusPassword}\n${f.focusPassword}\n`,
        notify: ["jicofo"],
      });
    }
    if (!f.jvb || f.jvbPasswordNew) {
      if (!f.jvbPassword)
        throw new HostError("the jvb password is unknown (the videobridge task did not run)", { where: inv.name, fix: "run without --skip videobridge / --only, so that jvb.conf is read first" });
      changes.push({
        kind: "command",
        summary: f.jvb ? `set the password of jvb@${auth} to the bridge's` : `register jvb@${auth}`,
        argv: ["prosodyctl", f.jvb ? "passwd" : "adduser", `jvb@${auth}`],
        sudo: true,
        stdin: `${f.jvbPassword}\n${f.jvbPassword}\n`,
        notify: ["jitsi-videobridge"],
      });
    }
    if (!f.subscribed)
      changes.push({
        kind: "command",
        summary: `subscribe focus.${inv.jitsi.domain} to focus@${auth} (client_proxy)`,
        argv: ["prosodyctl", "mod_roster_command", "subscribe", `focus.${inv.jitsi.domain}`, `focus@${auth}`],
        sudo: true,
        notify: ["prosody"],
      });
    return { changes, reason: `focus@${auth} and jvb@${auth} registered, focus subscribed` };
  },
};
