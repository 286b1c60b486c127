// The accounts jicofo and the bridge log in with, as Prosody stores them, and whether a password matches what
// Prosody's internal_hashed storage holds (SCRAM-SHA-1 stored_key).
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import type { Fact } from "./fact.js";
import { parseProsodyAbout } from "./prosody-about.js";
import { sections } from "./sections.js";

export interface StoredAccounts {
  /** Prosody's data directory exists. */
  dataDir: boolean;
  /** The stored account files (accounts/<user>.dat), when they exist. */
  focus?: string;
  jvb?: string;
  /** The focus component is in focus@auth's roster. */
  subscribed: boolean;
  /** The other accounts asked for (the remote bridges'), by account name, when they exist. */
  others: Map<string, string>;
  /** Every videobridge host account (jvb-*) that exists, by name: those no longer in the inventory are removed. */
  bridgeAccounts: string[];
}

// $1 auth host storage dir name, $2 focus component, then the storage names of other accounts to read. Prints the data
// dir and which accounts/roster entries exist.
// Without a readable config (prosodyctl about fails), Arch's default data directory is assumed.
const ACCOUNTS = `d=$(prosodyctl about 2>/dev/null | sed -n 's/^Data directory: *//p'); d=\${d:-/var/lib/prosody}
[ -d "$d" ] && echo "Data directory: $d"
h=$1 c=$2; shift 2
for u in focus jvb "$@"; do [ -f "$d/$h/accounts/$u.dat" ] && { echo "@@$u"; cat "$d/$h/accounts/$u.dat"; }; done
grep -qF "$c" "$d/$h/roster/focus.dat" 2>/dev/null && echo "@@subscribed"
echo "@@bridgeaccounts"
for f in "$d/$h/accounts"/jvb%2d*.dat; do [ -f "$f" ] && { n=\${f##*/}; echo "\${n%.dat}"; }; done
exit 0`;

/** Prosody's datamanager encoding of a host name in storage paths (every non-alphanumeric byte as %xx). */
export function storeName(host: string): string {
  return host.replace(/[^A-Za-z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The account or host name a storage name stands for (storeName's inverse). */
export function unstoreName(stored: string): string {
  return stored.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Pure: ACCOUNTS's output (`others` are the accounts asked for besides focus and jvb). */
export function parseStoredAccounts(stdout: string, others: readonly string[] = []): StoredAccounts {
  const s = sections(stdout);
  const found = new Map<string, string>();
  for (const a of others) {
    const text = s.get(storeName(a));
    if (text !== undefined) found.set(a, text);
  }
  const bridgeAccounts = (s.get("bridgeaccounts") ?? "").split("\n").filter((l) => l !== "").map(unstoreName).sort();
  return { dataDir: parseProsodyAbout(stdout).dataDir !== undefined, focus: s.get("focus"), jvb: s.get("jvb"), subscribed: s.has("subscribed"), others: found, bridgeAccounts };
}

/** The fact: focus@, jvb@ and `others`@ of `authHost`, and whether `focusComponent` is subscribed to focus@. */
export function storedAccounts(authHost: string, focusComponent: string, others: readonly string[] = []): Fact<StoredAccounts> {
  // Prosody stores an account in accounts/<name>.dat with the name encoded as host names are (jvb-a → jvb%2da).
  return { name: "accounts", script: ACCOUNTS, args: [storeName(authHost), focusComponent, ...others.map(storeName)], parse: (out) => parseStoredAccounts(out, others) };
}

export interface ScramRecord {
  salt: string;
  iterations: number;
  /** Hex SHA-1 of the client key. */
  storedKey: string;
}

/** The SCRAM fields of an accounts/<user>.dat file (a Lua table); undefined when the format is not recognised. */
export function parseAccountFile(text: string): ScramRecord | undefined {
  const field = (name: string) => new RegExp(`\\["${name}"\\]\\s*=\\s*("([^"]*)"|(\\d+))`).exec(text);
  const salt = field("salt")?.[2];
  const iterations = Number(field("iteration_count")?.[3]);
  const storedKey = field("stored_key")?.[2];
  if (salt === undefined || !Number.isInteger(iterations) || iterations < 1 || !storedKey || !/^[0-9a-f]{40}$/i.test(storedKey)) return undefined;
  return { salt, iterations, storedKey: storedKey.toLowerCase() };
}

/** True when `password` is the one the record was made from (RFC 5802: StoredKey = SHA1(HMAC(SaltedPassword, "Client Key"))). */
export function passwordMatches(password: string, rec: ScramRecord): boolean {
  const salted = pbkdf2Sync(password, rec.salt, rec.iterations, 20, "sha1");
  const clientKey = createHmac("sha1", salted).update("Client Key").digest();
  return createHash("sha1").update(clientKey).digest("hex") === rec.storedKey;
}
