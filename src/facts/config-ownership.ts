// Who must own a service's configuration file that holds a secret (jicofo.conf, jvb.conf): what the package's
// tmpfiles.d rules set at every boot when they cover it, else root and the group the service runs as, 0640.
import type { Fact } from "./fact.js";
import { parseServiceAccounts, SERVICE_ACCOUNTS, type ServiceAccount } from "./service-account.js";
import { ownershipOf, parseTmpfiles, TMPFILES, type Ownership } from "./tmpfiles.js";

export interface ConfigOwnership {
  owner: string;
  /** null when neither a rule nor the service names a group that exists. */
  group: string | null;
  mode: number;
  /** Why, for the plan's reason. */
  why: string;
}

/** Pure: the ownership a file must have, from the service's account and the tmpfiles rules. */
export function decideOwnership(unit: string, account: ServiceAccount, t: Ownership): ConfigOwnership {
  const group = t.group ?? account.group;
  // These files hold secrets: a rule that would let others read them is not followed.
  if (t.rule && (t.mode === undefined || (t.mode & 0o007) === 0)) return { owner: t.owner ?? "root", group, mode: t.mode ?? 0o640, why: `as the tmpfiles rule ${t.rule} sets it at every boot` };
  const ignored = t.rule ? ` (not the tmpfiles rule ${t.rule}: it would let others read the file)` : "";
  return { owner: "root", group, mode: 0o640, why: `readable by ${unit}'s group${ignored}` };
}

// $1 the service-accounts script, $2 the tmpfiles script, $3 unit, $4 path: both answers in one round trip.
const BOTH = `sh -c "$1" accounts "$3"; echo "@@@tmpfiles"; sh -c "$2" tmpfiles "$4"`;

/** The fact: the service's account and the tmpfiles rules for `path`, read together; then decided. */
export function configOwnership(unit: string, path: string): Fact<ConfigOwnership> {
  return {
    name: "config-ownership",
    script: BOTH,
    args: [SERVICE_ACCOUNTS, TMPFILES, unit, path],
    parse(stdout) {
      const [accounts = "", tmpfiles = ""] = stdout.split(/^@@@tmpfiles$/m);
      const account = parseServiceAccounts(accounts, [unit]).get(unit) ?? { user: null, group: null };
      return decideOwnership(unit, account, ownershipOf(path, parseTmpfiles(tmpfiles)));
    },
  };
}
