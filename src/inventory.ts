// Load inventory/<name>.env (+ <name>.secrets.env, + the process environment), validate it as a whole.
import { existsSync, readFileSync, statSync } from "node:fs";
import { isIP } from "node:net";
import { homedir, userInfo } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { z } from "zod";
import { UsageError } from "./errors.js";
import { shellJoin } from "./host/quote.js";
import { applySshConfig, fileConfigIO, parseProxyJump, PROXY_JUMP_FORMAT, resolveJumps, type SshConfigSource } from "./host/ssh-target.js";
import type { Inventory } from "./inventory-types.js";
import { didYouMean } from "./suggest.js";

/** Every key the inventory understands, with its one-line meaning (inventory/example.env says more). */
export const INVENTORY_KEYS = {
  SSH_HOST: "address to connect to (default: the inventory name)",
  SSH_PORT: "SSH port (default 22)",
  SSH_USER: "login user with passwordless sudo; not root (required)",
  SSH_KEY: "private key file (default: the SSH agent)",
  SSH_KNOWN_HOSTS: "known_hosts file used to verify the host key (default ~/.ssh/known_hosts)",
  SSH_CONNECT_TIMEOUT: "seconds to wait for the SSH handshake (default 15)",
  SSH_COMMAND_TIMEOUT: "seconds one remote command may take (default 1800: AUR builds are slow)",
  SSH_PROXY_JUMP: "jump hosts to connect through, [user@]host[:port][,...] as ssh -J (default: ProxyJump from the SSH config, else none)",
  SSH_CONFIG: "OpenSSH client config read for SSH_HOST's HostName, User, Port, IdentityFile, ProxyJump (default ~/.ssh/config; none: not read)",
  JITSI_DOMAIN: "public domain of the Jitsi server, lower case (default: the inventory name)",
  JITSI_GUEST_DOMAIN: "anonymous guest domain (default guest.<JITSI_DOMAIN>)",
  PROSODY_ADDRESS: "IP address Prosody listens on, as seen from the host itself, or localhost (default 127.0.0.1)",
  WEB_ADDRESS: "IP address nginx listens on for the web app, ports 80 and 443 (default: every address)",
  PROSODY_PLUGIN_DIR: "Jitsi Prosody plugins (default /usr/lib/jitsi-meet-prosody, the AUR path)",
  JWT_APP_ID: "token issuer, Prosody app_id (required)",
  JWT_APP_SECRET: "HS256 secret, at least 32 characters (required; better in <name>.secrets.env)",
  JWT_AUDIENCE: "token aud claim (default jitsi)",
  LUA_VERSION: "Lua version Prosody runs, e.g. 5.4 or 5.2 (default: detected on the host)",
  TLS_MODE: "self-signed (generate certificates when missing) or files (default self-signed)",
  TLS_CERT: "with TLS_MODE=files: certificate file on the host for the domain",
  TLS_KEY: "with TLS_MODE=files: private key file on the host for the domain",
} as const;

type Key = keyof typeof INVENTORY_KEYS;

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A literal IPv4 or IPv6 address (no zone id: nginx and the renderers take none). */
const ipAddress = (a: string) => isIP(a) !== 0 && !a.includes("%");
const domain = (what: string) =>
  z.string().regex(HOSTNAME, `${what} must be a lower-case hostname (letters a-z, digits, '-' and '.')`);
const seconds = (def: number) =>
  z.coerce.number({ error: "must be a number of seconds" }).int().positive().default(def);
const absPath = z.string().refine((p) => p.startsWith("/"), "must be an absolute path on the host");

const schema = z
  .object({
    SSH_HOST: z.string().min(1).regex(NO_CONTROL, "must not contain control characters"),
    SSH_PORT: z.coerce.number({ error: "must be a port number" }).int().min(1).max(65535).default(22),
    SSH_USER: z
      .string({ error: "is required: the login user with passwordless sudo (here, or User for this host in the SSH config)" })
      .regex(/^[a-z_][a-z0-9_-]*[$]?$/i, "must be a user name")
      .refine((u) => u !== "root", "must not be root: yay refuses to run as root; use a sudo-capable user"),
    SSH_KEY: z.string().optional(),
    SSH_KNOWN_HOSTS: z.string().min(1),
    SSH_CONNECT_TIMEOUT: seconds(15),
    SSH_COMMAND_TIMEOUT: seconds(1800),
    SSH_PROXY_JUMP: z
      .string()
      .superRefine((v, ctx) => {
        try {
          parseProxyJump(v);
        } catch (e) {
          ctx.addIssue({ code: "custom", message: `${(e as Error).message}: write ${PROXY_JUMP_FORMAT}` });
        }
      })
      .optional(),
    SSH_CONFIG: z.string().min(1).optional(),
    JITSI_DOMAIN: domain("JITSI_DOMAIN"),
    JITSI_GUEST_DOMAIN: domain("JITSI_GUEST_DOMAIN").optional(),
    PROSODY_ADDRESS: z
      .string()
      .refine((a) => ipAddress(a) || a === "localhost", "must be an IPv4 or IPv6 address (or localhost), without port or brackets")
      .default("127.0.0.1"),
    WEB_ADDRESS: z.string().refine(ipAddress, "must be an IPv4 or IPv6 address, without port or brackets").optional(),
    PROSODY_PLUGIN_DIR: absPath.default("/usr/lib/jitsi-meet-prosody"),
    JWT_APP_ID: z
      .string({ error: "is required: the token issuer (Prosody app_id)" })
      .min(1, "must not be empty")
      .max(128, "must be at most 128 characters")
      .regex(NO_CONTROL, "must not contain control characters"),
    JWT_APP_SECRET: z
      .string({ error: "is required: put JWT_APP_SECRET=<at least 32 random characters> in the secrets file" })
      .min(32, "must be at least 32 characters (e.g. `openssl rand -base64 48`)")
      .regex(/^[^\u0000]*$/, "must not contain NUL"),
    JWT_AUDIENCE: z.string().min(1).regex(NO_CONTROL, "must not contain control characters").default("jitsi"),
    LUA_VERSION: z.string().regex(/^5\.[1-4]$/, "must be 5.1, 5.2, 5.3 or 5.4").optional(),
    TLS_MODE: z.enum(["self-signed", "files"], { error: "must be self-signed or files" }).default("self-signed"),
    TLS_CERT: absPath.optional(),
    TLS_KEY: absPath.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.TLS_MODE === "files") {
      for (const k of ["TLS_CERT", "TLS_KEY"] as const)
        if (!v[k]) ctx.addIssue({ code: "custom", path: [k], message: "is required when TLS_MODE=files" });
    }
    const guest = v.JITSI_GUEST_DOMAIN ?? `guest.${v.JITSI_DOMAIN}`;
    if (guest === v.JITSI_DOMAIN)
      ctx.addIssue({ code: "custom", path: ["JITSI_GUEST_DOMAIN"], message: "must differ from JITSI_DOMAIN" });
  });

export interface LoadOptions {
  /** Inventory directory (default $PROVISION_INVENTORY_DIR or ./inventory). */
  dir?: string;
  /** The process environment (overrides the files). */
  env?: NodeJS.ProcessEnv;
}

/** The inventory directory in effect. */
export function inventoryDir(opts: LoadOptions = {}): string {
  return resolve(opts.dir ?? opts.env?.PROVISION_INVENTORY_DIR ?? process.env.PROVISION_INVENTORY_DIR ?? "inventory");
}

/** Read, merge and validate the inventory for one host; every problem is reported in one UsageError. */
export function loadInventory(name: string, opts: LoadOptions = {}): Inventory {
  const env = opts.env ?? process.env;
  const dir = inventoryDir(opts);
  if (!NAME.test(name))
    throw new UsageError(`invalid host name '${name}'`, {
      fix: "use the name of a file inventory/<name>.env (letters, digits, '.', '_', '-')",
    });
  const file = join(dir, `${name}.env`);
  if (!existsSync(file))
    throw new UsageError(`no inventory for host '${name}': expected ${file}`, {
      fix: `create it from ${join(dir, "example.env")} (cp ${join(dir, "example.env")} ${file}) and fill in the keys`,
    });
  const problems: string[] = [];
  const raw: Record<string, string> = {};
  // Where each value came from (the host file unless noted): a problem is blamed on its source.
  const from: Record<string, string> = {};
  // Files holding the secret that others on this machine could read (or change): refused, with the chmod that fixes it.
  const exposed: string[] = [];
  const read = (path: string, holdsSecrets: boolean) => {
    const parsed = parseDotenv(readFileSync(path));
    for (const [k, v] of Object.entries(parsed)) {
      if (k in INVENTORY_KEYS) {
        raw[k] = v;
        from[k] = path;
      } else problems.push(`${k} (${path}): unknown key${didYouMean(k, Object.keys(INVENTORY_KEYS))}`);
    }
    const mode = statSync(path).mode & 0o7777;
    if ((holdsSecrets || "JWT_APP_SECRET" in parsed) && (mode & 0o077) !== 0) {
      exposed.push(path);
      problems.push(`${path}: open to group or others (mode ${mode.toString(8).padStart(4, "0")}) though it holds JWT_APP_SECRET`);
    }
  };
  read(file, false);
  const secrets = join(dir, `${name}.secrets.env`);
  if (existsSync(secrets)) read(secrets, true);
  for (const k of Object.keys(INVENTORY_KEYS)) {
    const v = env[k];
    if (v !== undefined && v !== "") {
      raw[k] = v;
      from[k] = `environment variable ${k}`;
    }
  }
  // The SSH config (~/.ssh/config) fills what the inventory leaves open, as `ssh <alias>` would (src/host/ssh-target.ts).
  const sshConfig = sshConfigSource(raw.SSH_CONFIG, dir, env, problems);
  problems.push(...applySshConfig(raw, from, name, sshConfig));
  for (const k of ["SSH_HOST", "JITSI_DOMAIN"] as const)
    if (raw[k] === undefined) {
      raw[k] = name;
      from[k] = "default: the inventory name";
    }
  raw.SSH_KNOWN_HOSTS ??= join(homedir(), ".ssh", "known_hosts");
  for (const k of Object.keys(raw)) if (raw[k] === "") delete raw[k];

  const result = schema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? "inventory");
      const source = from[key];
      problems.push(source === undefined || source === file ? `${key}: ${issue.message}` : `${key} (from the ${source}): ${issue.message}`);
    }
  }
  let jump: Inventory["ssh"]["jump"] = [];
  try {
    if (result.success) jump = resolveJumps(result.data.SSH_PROXY_JUMP, sshConfig, result.data.SSH_KEY ? expandIn(dirname(file), result.data.SSH_KEY) : undefined);
  } catch (e) {
    problems.push(`SSH_PROXY_JUMP${from.SSH_PROXY_JUMP && from.SSH_PROXY_JUMP !== file ? ` (from the ${from.SSH_PROXY_JUMP})` : ""}: ${(e as Error).message}`);
  }
  if (problems.length > 0 || !result.success) {
    const envKeys = [...new Set((result.success ? [] : result.error.issues).map((i) => String(i.path[0])).filter((k) => from[k]?.startsWith("environment variable ")))];
    const keysFix = `correct the keys listed above (every key is documented in ${join(dir, "example.env")})${envKeys.length ? `; ${envKeys.join(", ")} ${envKeys.length > 1 ? "come" : "comes"} from the environment, which overrides the files: correct or unset ${envKeys.length > 1 ? "them" : "it"} there` : ""}`;
    const chmod = exposed.length ? shellJoin(["chmod", "600", ...exposed]) : "";
    throw new UsageError(`inventory for '${name}' is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"})`, {
      where: file,
      lines: problems,
      fix: chmod && problems.length === exposed.length ? chmod : chmod ? `${chmod}; ${keysFix}` : keysFix,
    });
  }
  const v = result.data;
  const expand = (p: string) => expandIn(dirname(file), p);
  return {
    name,
    role: "main",
    bridge: { nickname: name.toLowerCase(), xmppServer: v.PROSODY_ADDRESS },
    bridges: [],
    ssh: {
      host: v.SSH_HOST,
      port: v.SSH_PORT,
      user: v.SSH_USER,
      key: v.SSH_KEY ? expand(v.SSH_KEY) : undefined,
      knownHosts: expand(v.SSH_KNOWN_HOSTS),
      connectTimeoutMs: v.SSH_CONNECT_TIMEOUT * 1000,
      commandTimeoutMs: v.SSH_COMMAND_TIMEOUT * 1000,
      jump,
    },
    jitsi: {
      domain: v.JITSI_DOMAIN,
      guestDomain: v.JITSI_GUEST_DOMAIN ?? `guest.${v.JITSI_DOMAIN}`,
      prosodyAddress: v.PROSODY_ADDRESS,
      webAddress: v.WEB_ADDRESS,
      pluginDir: v.PROSODY_PLUGIN_DIR,
    },
    jwt: { appId: v.JWT_APP_ID, appSecret: v.JWT_APP_SECRET, audience: v.JWT_AUDIENCE },
    luaVersion: v.LUA_VERSION,
    tls: { mode: v.TLS_MODE, cert: v.TLS_CERT, key: v.TLS_KEY },
  };
}

/** A path from the inventory: `~/…` in the home directory, relative to the inventory directory. */
function expandIn(base: string, p: string): string {
  return p.startsWith("~/") ? join(homedir(), p.slice(2)) : isAbsolute(p) ? p : resolve(base, p);
}

/** The SSH config to read: SSH_CONFIG (a missing file named there is a problem), ~/.ssh/config, or none. */
function sshConfigSource(setting: string | undefined, dir: string, env: NodeJS.ProcessEnv, problems: string[]): SshConfigSource {
  const home = env.HOME || homedir();
  const src: SshConfigSource = { io: fileConfigIO(home), localUser: userInfo().username };
  if (setting?.toLowerCase() === "none") return src;
  src.file = setting ? expandIn(dir, setting) : join(home, ".ssh", "config");
  if (setting && !existsSync(src.file)) problems.push(`SSH_CONFIG: ${src.file} does not exist (give an OpenSSH client config file, or none)`);
  return src;
}
