// The inventory's files and their precedence: defaults.env < groups/<GROUP>.env < <name>.env < <name>.secrets.env < environment.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { didYouMean } from "./suggest.js";

/** Every key the inventory understands, with its one-line meaning (inventory/example.env says more). */
export const INVENTORY_KEYS = {
  ROLE: "main (the Jitsi host: Prosody, jicofo, the web app, its own bridge) or videobridge (a bridge on its own host) (default main)",
  GROUP: "group this host belongs to (letters, digits, '.', '_', '-'); inventory/groups/<GROUP>.env is read if it exists; --host <GROUP> names its hosts",
  SSH_HOST: "address to connect to (default: the inventory name)",
  SSH_PORT: "SSH port (default 22)",
  SSH_USER: "login user with passwordless sudo; not root (required)",
  SSH_KEY: "private key file (default: the SSH agent)",
  SSH_KNOWN_HOSTS: "known_hosts file used to verify the host key (default ~/.ssh/known_hosts)",
  SSH_CONNECT_TIMEOUT: "seconds to wait for the SSH handshake (default 15)",
  SSH_COMMAND_TIMEOUT: "seconds one remote command may take (default 1800: AUR builds are slow)",
  SSH_PROXY_JUMP: "jump hosts to connect through, [user@]host[:port][,...] as ssh -J (default: ProxyJump from the SSH config, else none)",
  SSH_CONFIG: "OpenSSH client config read for SSH_HOST's HostName, User, Port, IdentityFile, ProxyJump (default ~/.ssh/config; none: not read)",
  JITSI_DOMAIN: "public domain of the Jitsi server, lower case (default: the inventory name); on a videobridge host, its main host's",
  JITSI_GUEST_DOMAIN: "anonymous guest domain (default guest.<JITSI_DOMAIN>)",
  PROSODY_ADDRESS: "IP address Prosody listens on, as seen from the host itself, or localhost (default 127.0.0.1)",
  WEB_ADDRESS: "IP address nginx listens on for the web app, ports 80 and 443 (default: every address)",
  PROSODY_PLUGIN_DIR: "Jitsi Prosody plugins (default /usr/lib/jitsi-meet-prosody, the AUR path)",
  XMPP_SERVER: "videobridge only: host name or IP address the bridge reaches its main host's Prosody at, port 5222 (default: JITSI_DOMAIN)",
  JVB_NICKNAME: "the bridge's nickname in the brewery, unique in the deployment, [a-z0-9._-] (default: the inventory name, lower case)",
  JVB_PUBLIC_ADDRESS: "public IPv4 or IPv6 address the bridge announces for media when the host is behind NAT (default: none, its own addresses)",
  JVB_LOCAL_ADDRESS: "with JVB_PUBLIC_ADDRESS: the host's local address that maps to it (default: read from the host)",
  JWT_APP_ID: "token issuer, Prosody app_id (required on a main host)",
  JWT_APP_SECRET: "HS256 secret, at least 32 characters (required on a main host; better in <name>.secrets.env)",
  JWT_AUDIENCE: "token aud claim (default jitsi)",
  LUA_VERSION: "Lua version Prosody runs, e.g. 5.4 or 5.2 (default: detected on the host)",
  TLS_MODE: "self-signed (generate certificates when missing) or files (default self-signed)",
  TLS_CERT: "with TLS_MODE=files: certificate file on the host for the domain",
  TLS_KEY: "with TLS_MODE=files: private key file on the host for the domain",
} as const;

export type Key = keyof typeof INVENTORY_KEYS;

/** An inventory name (and a group name): the <name> of inventory/<name>.env. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Names of files in the inventory directory that are not hosts, and why. */
const NOT_HOSTS: Record<string, string> = {
  defaults: "defaults.env holds the settings every host shares",
  example: "example.env documents the keys",
};

/** Why `name` cannot be a host although it is well formed (defaults, example, <host>.secrets), or undefined. */
export function notAHost(name: string): string | undefined {
  if (name in NOT_HOSTS) return NOT_HOSTS[name];
  if (name.endsWith(".secrets")) return `${name}.env holds the secrets of ${name.slice(0, -".secrets".length)}`;
  return undefined;
}

/** The hosts of an inventory directory: every <name>.env but defaults.env, example.env and *.secrets.env, sorted. */
export function hostNames(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .filter((f) => f.endsWith(".env"))
    .map((f) => f.slice(0, -".env".length))
    .filter((n) => NAME.test(n) && notAHost(n) === undefined && isFile(join(dir, `${n}.env`)))
    .sort();
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The raw values of one host through the precedence chain, and where each came from. */
export interface InventoryFiles {
  /** inventory/<name>.env. */
  file: string;
  /** The group file read, if GROUP named one that exists. */
  groupFile?: string;
  /** The merged values ("" in a file: unset, the built-in default applies). */
  raw: Record<string, string>;
  /** Where each value came from: a file path, or "environment variable KEY". */
  from: Record<string, string>;
  /** Unknown keys, unreadable files, files holding the secret open to others. */
  problems: string[];
  /** Files holding JWT_APP_SECRET that group or others may read or write. */
  exposed: string[];
}

/**
 * Read a host's files in precedence order (later wins): defaults.env, groups/<GROUP>.env (GROUP as set by the
 * environment, the secrets file, the host file or defaults.env), <name>.env, <name>.secrets.env, then the process
 * environment (empty variables ignored). Never throws on their content: every problem is listed in `problems`.
 * The host file must exist (the caller says what to do when it does not).
 */
export function readInventoryFiles(name: string, dir: string, env: NodeJS.ProcessEnv): InventoryFiles {
  const file = join(dir, `${name}.env`);
  const out: InventoryFiles = { file, raw: {}, from: {}, problems: [], exposed: [] };
  const read = (path: string, holdsSecrets: boolean): Record<string, string> => {
    let parsed: Record<string, string>;
    try {
      parsed = parseDotenv(readFileSync(path));
    } catch (e) {
      out.problems.push(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return {};
    }
    const known: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (k in INVENTORY_KEYS) known[k] = v;
      else out.problems.push(`${k} (${path}): unknown key${didYouMean(k, Object.keys(INVENTORY_KEYS))}`);
    }
    const mode = statSync(path).mode & 0o7777;
    if ((holdsSecrets || "JWT_APP_SECRET" in parsed) && (mode & 0o077) !== 0) {
      out.exposed.push(path);
      out.problems.push(`${path}: open to group or others (mode ${mode.toString(8).padStart(4, "0")}) though it holds JWT_APP_SECRET`);
    }
    return known;
  };
  const defaultsFile = join(dir, "defaults.env");
  const defaults = isFile(defaultsFile) ? read(defaultsFile, false) : {};
  const host = read(file, false);
  const secretsFile = join(dir, `${name}.secrets.env`);
  const secrets = existsSync(secretsFile) ? read(secretsFile, true) : {};
  const envValues: Record<string, string> = {};
  for (const k of Object.keys(INVENTORY_KEYS)) {
    const v = env[k];
    if (v !== undefined && v !== "") envValues[k] = v;
  }
  const group = envValues.GROUP ?? secrets.GROUP ?? host.GROUP ?? defaults.GROUP;
  let groupValues: Record<string, string> = {};
  if (group && NAME.test(group) && isFile(join(dir, "groups", `${group}.env`))) {
    out.groupFile = join(dir, "groups", `${group}.env`);
    groupValues = read(out.groupFile, false);
    if ("GROUP" in groupValues) {
      out.problems.push(`GROUP (${out.groupFile}): a group file cannot name a group: set GROUP in the host file or in defaults.env`);
      delete groupValues.GROUP;
    }
  }
  const layers: [Record<string, string>, (k: string) => string][] = [
    [defaults, () => defaultsFile],
    [groupValues, () => out.groupFile!],
    [host, () => file],
    [secrets, () => secretsFile],
    [envValues, (k) => `environment variable ${k}`],
  ];
  for (const [values, source] of layers)
    for (const [k, v] of Object.entries(values)) {
      out.raw[k] = v;
      out.from[k] = source(k);
    }
  return out;
}
