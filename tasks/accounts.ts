// XMPP accounts: focus (jicofo) and jvb on auth.<domain>, registered once; focus subscribed for client_proxy; and one
// account per videobridge host of the deployment (jvb-<name>, its password derived from the deployment's secret).
import { bridgeCredentials } from "../src/bridge-account.js";
import { PendingChangeError } from "../src/errors.js";
import { parseAccountFile, passwordMatches, storedAccounts, type StoredAccounts } from "../src/facts/prosody-account.js";
import type { Inventory } from "../src/inventory-types.js";
import { UNITS } from "../src/platform.js";
import type { Change, Plan, Task } from "../src/task.js";
import { titleOf } from "./catalog.js";

/** An account as stored: absent, or present and whether the configured password matches (undefined: cannot tell). */
export type AccountState = { exists: false } | { exists: true; matches?: boolean };

export type AccountFacts = StoredAccounts;

/** What the accounts plan decides from: each account's state against the password the task that owns it handed on. */
export interface AccountsInput {
  focus: AccountState;
  jvb: AccountState;
  subscribed: boolean;
  focusPassword?: string;
  focusPasswordNew: boolean;
  /** The bridge's password (kept in its provision.conf; handed on by the videobridge task). */
  jvbPassword?: string;
  jvbPasswordNew: boolean;
  /** The videobridge hosts' accounts: each one's name, state and password. */
  bridges?: { account: string; name: string; state: AccountState; password: string }[];
  /** Videobridge accounts (jvb-*) on the host whose bridge is no longer in the inventory. */
  stale?: string[];
}

/** Whether an account exists and holds `password` (checked locally against its SCRAM stored key). */
function accountState(file: string | undefined, password: string | undefined): AccountState {
  if (file === undefined) return { exists: false };
  const rec = parseAccountFile(file);
  return { exists: true, matches: rec && password !== undefined ? passwordMatches(password, rec) : undefined };
}

export const accounts: Task<AccountFacts> = {
  name: "accounts",
  title: titleOf("accounts"),
  facts: (inv) => storedAccounts(`auth.${inv.jitsi.domain}`, `focus.${inv.jitsi.domain}`, inv.bridges.map((b) => b.account)),
  plan(inv, f, env) {
    if (!f.dataDir)
      throw new PendingChangeError("Prosody's data directory does not exist", ["prosody"], { where: inv.name, fix: "install prosody (the bootstrap task does)" });
    const { focusPassword, jvbPassword } = env?.handoff ?? {};
    return planAccounts(inv, {
      focus: accountState(f.focus, focusPassword?.value),
      jvb: accountState(f.jvb, jvbPassword?.value),
      subscribed: f.subscribed,
      focusPassword: focusPassword?.value,
      focusPasswordNew: focusPassword?.generated === true,
      jvbPassword: jvbPassword?.value,
      jvbPasswordNew: jvbPassword?.generated === true,
      bridges: bridgeCredentials(inv).map((b) => ({ account: b.account, name: b.name, password: b.password, state: accountState(f.others.get(b.account), b.password) })),
      stale: f.bridgeAccounts.filter((a) => !inv.bridges.some((b) => b.account === a)),
    });
  },
};

/** Pure: the registrations, password resets and subscription the accounts need. */
export function planAccounts(inv: Inventory, f: AccountsInput): Plan {
  const auth = `auth.${inv.jitsi.domain}`;
  const changes: Change[] = [];
  // An account is (re)set when it is missing, when its stored key does not match the configured password
  // (e.g. a run stopped between writing jicofo's provision.conf and here), or, when the storage format is unknown, when
  // the password was generated in this run. `prosodyctl register USER HOST` creates or resets the account offline
  // (Prosody 13's adduser/passwd go through the admin shell of a running Prosody, which a first run has not
  // started yet). Passwords go through stdin ("Enter new password" / "Retype"), never argv.
  const needs = (a: AccountState, fresh: boolean) => !a.exists || a.matches === false || (a.matches === undefined && fresh);
  if (needs(f.focus, f.focusPasswordNew)) {
    if (!f.focusPassword)
      throw new PendingChangeError("the focus password is unknown (the jicofo task did not run)", ["jicofo"], { where: inv.name, fix: "run without --skip jicofo / --only, so that the jicofo task reads or sets the focus password first" });
    changes.push({
      kind: "command",
      summary: f.focus.exists ? `set the password of focus@${auth} to jicofo's` : `register focus@${auth}`,
      argv: ["prosodyctl", "register", "focus", auth],
      sudo: true,
      stdin: `${f.focusPassword}\n${f.focusPassword}\n`,
      notify: [UNITS.jicofo],
    });
  }
  if (needs(f.jvb, f.jvbPasswordNew)) {
    if (!f.jvbPassword)
      throw new PendingChangeError("the jvb password is unknown (the videobridge task did not run)", ["jitsi-videobridge"], { where: inv.name, fix: "run without --skip videobridge / --only, so that the videobridge task reads or sets the bridge password first" });
    changes.push({
      kind: "command",
      summary: f.jvb.exists ? `set the password of jvb@${auth} to the bridge's` : `register jvb@${auth}`,
      argv: ["prosodyctl", "register", "jvb", auth],
      sudo: true,
      stdin: `${f.jvbPassword}\n${f.jvbPassword}\n`,
      notify: [UNITS.videobridge],
    });
  }
  // A videobridge host's account: registered, or reset when its stored key does not match the derived password. The
  // bridge retries its login on its own (nothing to restart here); the `bridges` check waits for it.
  for (const b of f.bridges ?? [])
    if (!b.state.exists || b.state.matches === false)
      changes.push({
        kind: "command",
        summary: b.state.exists ? `set the password of ${b.account}@${auth} to videobridge ${b.name}'s` : `register ${b.account}@${auth} for videobridge ${b.name}`,
        argv: ["prosodyctl", "register", b.account, auth],
        sudo: true,
        stdin: `${b.password}\n${b.password}\n`,
      });
  // A videobridge host taken out of the inventory loses its login (`prosodyctl unregister` works offline); a session
  // it still holds ends when it next reconnects.
  for (const account of f.stale ?? [])
    changes.push({ kind: "command", summary: `remove ${account}@${auth} (its videobridge is no longer in the inventory)`, argv: ["prosodyctl", "unregister", account, auth], sudo: true });
  // The subscription notifies Prosody: a running Prosody caches offline users' rosters (rostermanager's
  // roster_cache), so until it restarts, focus@auth logs in with the cached roster, its presence never reaches
  // client_proxy, and focus answers service-unavailable.
  if (!f.subscribed)
    changes.push({
      kind: "command",
      summary: `subscribe focus.${inv.jitsi.domain} to focus@${auth} (client_proxy)`,
      argv: ["prosodyctl", "mod_roster_command", "subscribe", `focus.${inv.jitsi.domain}`, `focus@${auth}`],
      sudo: true,
      notify: [UNITS.prosody],
    });
  const remote = (f.bridges ?? []).map((b) => `${b.account}@${auth}`);
  return {
    changes,
    reason: `focus@${auth} and jvb@${auth} registered with the passwords jicofo and the bridge use; focus subscribed${remote.length ? `; videobridge accounts ${remote.join(", ")} registered` : ""}`,
    secrets: (f.bridges ?? []).map((b) => b.password),
  };
}
