// The user and group each service runs as, read from the service itself: its unit's User= and Group=, else the
// primary group of that user. Package releases differ (the AUR's sysusers files put jicofo and jvb in a shared
// `jitsi` group; other builds give each its own), so nothing here is assumed.
import type { Fact } from "./fact.js";
import { sections } from "./sections.js";

export interface ServiceAccount {
  /** User= of the unit ("root" when the unit sets none); null when the unit does not exist. */
  user: string | null;
  /** Group= of the unit, else the user's primary group; null when neither can be resolved on the host. */
  group: string | null;
}

// $@ units. For each: "@@<unit>", then the user and the group on one line each ("-" when unknown, and both
// unknown for a unit that does not exist: its package is not installed yet).
export const SERVICE_ACCOUNTS = `for u in "$@"; do
  echo "@@$u"
  [ "$(systemctl show -p LoadState --value "$u" 2>/dev/null)" = loaded ] || { echo -; echo -; continue; }
  user=$(systemctl show -p User --value "$u" 2>/dev/null); group=$(systemctl show -p Group --value "$u" 2>/dev/null)
  user=\${user:-root}
  if [ -z "$group" ]; then group=$(id -gn -- "$user" 2>/dev/null) || group=-; fi
  getent group "$group" >/dev/null 2>&1 || group=-
  echo "$user"; echo "$group"
done; exit 0`;

/** Parse SERVICE_ACCOUNTS output. */
export function parseServiceAccounts(output: string, units: readonly string[]): Map<string, ServiceAccount> {
  const s = sections(output);
  const out = new Map<string, ServiceAccount>();
  for (const u of units) {
    const [user = "-", group = "-"] = (s.get(u) ?? "-\n-").split("\n");
    out.set(u, { user: user === "-" ? null : user || "root", group: group && group !== "-" ? group : null });
  }
  return out;
}

/** The fact: the user and group a unit runs as. */
export function serviceAccount(unit: string): Fact<ServiceAccount> {
  return { name: "service-accounts", script: SERVICE_ACCOUNTS, args: [unit], parse: (stdout) => parseServiceAccounts(stdout, [unit]).get(unit)! };
}
