// Load one host's inventory through the precedence chain (src/inventory-files.ts) and validate it as a whole.
import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { homedir, userInfo } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import { UsageError } from "./errors.js";
import { shellJoin } from "./host/quote.js";
import { applySshConfig, fileConfigIO, parseProxyJump, PROXY_JUMP_FORMAT, resolveJumps, type SshConfigSource } from "./host/ssh-target.js";
import { hostNames, NAME, notAHost, readInventoryFiles } from "./inventory-files.js";
import type { Inventory } from "./inventory-types.js";
import { didYouMean } from "./suggest.js";

export { INVENTORY_KEYS, hostNames } from "./inventory-files.js";

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

/** A literal IPv4 or IPv6 address (no zone id: nginx and the renderers take none). */
const ipAddress = (a: string) => isIP(a) !== 0 && !a.includes("%");
const domain = (what: string) =>
  z.string().regex(HOSTNAME, `${what} must be a lower-case hostname (letters a-z, digits, '-' and '.')`);
const seconds = (def: number) =>
  z.coerce.number({ error: "must be a number of seconds" }).int().positive().default(def);
const absPath = z.string().refine((p) => p.startsWith("/"), "must be an absolute path on the host");

const ip = () => z.string().refine(ipAddress, "must be an IPv4 or IPv6 address, without port or brackets");

/** The schema of a main host, or of a videobridge host (which mints nothing: no JWT or TLS keys required). */
const schemaFor = (bridge: boolean) => {
  const need = <T extends z.ZodType>(t: T) => (bridge ? t.optional() : t);
  return z
    .object({
      ROLE: z.enum(["main", "videobridge"], { error: "must be main or videobridge" }).default("main"),
      GROUP: z.string().regex(NAME, "must be a group name: letters, digits, '.', '_', '-'").optional(),
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
      WEB_ADDRESS: ip().optional(),
      PROSODY_PLUGIN_DIR: absPath.default("/usr/lib/jitsi-meet-prosody"),
      XMPP_SERVER: z
        .string()
        .refine((a) => HOSTNAME.test(a) || ipAddress(a), "must be a lower-case host name or an IPv4 or IPv6 address, without port or brackets")
        .optional(),
      JVB_NICKNAME: z.string().regex(/^[a-z0-9._-]{1,64}$/, "must be 1 to 64 characters: lower-case letters, digits, '.', '_' or '-'").optional(),
      JVB_PUBLIC_ADDRESS: ip().optional(),
      JVB_LOCAL_ADDRESS: ip().optional(),
      JWT_APP_ID: need(
        z
          .string({ error: "is required: the token issuer (Prosody app_id)" })
          .min(1, "must not be empty")
          .max(128, "must be at most 128 characters")
          .regex(NO_CONTROL, "must not contain control characters"),
      ),
      JWT_APP_SECRET: need(
        z
          .string({ error: "is required: put JWT_APP_SECRET=<at least 32 random characters> in the secrets file" })
          .min(32, "must be at least 32 characters (e.g. `openssl rand -base64 48`)")
          .regex(/^[^\u0000]*$/, "must not contain NUL"),
      ),
      JWT_AUDIENCE: z.string().min(1).regex(NO_CONTROL, "must not contain control characters").default("jitsi"),
      LUA_VERSION: z.string().regex(/^5\.[1-4]$/, "must be 5.1, 5.2, 5.3 or 5.4").optional(),
      TLS_MODE: z.enum(["self-signed", "files"], { error: "must be self-signed or files" }).default("self-signed"),
      TLS_CERT: absPath.optional(),
      TLS_KEY: absPath.optional(),
    })
    .superRefine((v, ctx) => {
      if (v.TLS_MODE === "files" && !bridge) {
        for (const k of ["TLS_CERT", "TLS_KEY"] as const)
          if (!v[k]) ctx.addIssue({ code: "custom", path: [k], message: "is required when TLS_MODE=files" });
      }
      const guest = v.JITSI_GUEST_DOMAIN ?? `guest.${v.JITSI_DOMAIN}`;
      if (guest === v.JITSI_DOMAIN)
        ctx.addIssue({ code: "custom", path: ["JITSI_GUEST_DOMAIN"], message: "must differ from JITSI_DOMAIN" });
      if (v.JVB_LOCAL_ADDRESS !== undefined && v.JVB_PUBLIC_ADDRESS === undefined)
        ctx.addIssue({ code: "custom", path: ["JVB_LOCAL_ADDRESS"], message: "is only taken with JVB_PUBLIC_ADDRESS (the public address it maps to): set both, or neither" });
    });
};

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

/** Refuse a name that is no host of the inventory directory (malformed, reserved, or without its file). */
export function checkHostName(name: string, dir: string): void {
  if (!NAME.test(name))
    throw new UsageError(`invalid host name '${name}'`, {
      fix: "use the name of a file inventory/<name>.env (letters, digits, '.', '_', '-')",
    });
  const reserved = notAHost(name);
  if (reserved !== undefined)
    throw new UsageError(`'${name}' is not a host: ${reserved}`, { where: join(dir, `${name}.env`), fix: "name a host: a file inventory/<name>.env (`provision hosts` lists them)" });
  const file = join(dir, `${name}.env`);
  if (!existsSync(file))
    throw new UsageError(`no inventory for host '${name}'${didYouMean(name, hostNames(dir))}: expected ${file}`, {
      fix: `create it from ${join(dir, "example.env")} (cp ${join(dir, "example.env")} ${file}) and fill in the keys`,
    });
}

/** Read, merge and validate the inventory for one host; every problem is reported in one UsageError. */
export function loadInventory(name: string, opts: LoadOptions = {}): Inventory {
  return loadInventoryWithSources(name, opts).inv;
}

/**
 * loadInventory, and where each value came from (a file path, "environment variable KEY", or "default: …").
 * A videobridge host's `jwt` is what its own files set (empty strings when they set nothing): src/fleet.ts replaces
 * it with its main host's; `bridges` is empty and `main` unset until src/fleet.ts fills them.
 */
export function loadInventoryWithSources(name: string, opts: LoadOptions = {}): { inv: Inventory; from: Readonly<Record<string, string>> } {
  const env = opts.env ?? process.env;
  const dir = inventoryDir(opts);
  checkHostName(name, dir);
  const { file, raw, from, problems, exposed } = readInventoryFiles(name, dir, env);
  // The SSH config (~/.ssh/config) fills what the inventory leaves open, as `ssh <alias>` would (src/host/ssh-target.ts).
  const sshConfig = sshConfigSource(raw.SSH_CONFIG, dir, env, problems);
  problems.push(...applySshConfig(raw, from, name, sshConfig));
  for (const k of ["SSH_HOST", "JITSI_DOMAIN"] as const)
    if (!raw[k]) {
      raw[k] = name;
      from[k] = "default: the inventory name";
    }
  raw.SSH_KNOWN_HOSTS ||= join(homedir(), ".ssh", "known_hosts");
  for (const k of Object.keys(raw)) if (raw[k] === "") delete raw[k];
  const bridge = raw.ROLE === "videobridge";
  // XMPP_SERVER is a bridge's: refused in a main host's own files; from the files and environment every host shares, ignored.
  if (!bridge && raw.XMPP_SERVER !== undefined) {
    if (from.XMPP_SERVER === file || from.XMPP_SERVER === join(dir, `${name}.secrets.env`))
      problems.push(`XMPP_SERVER${from.XMPP_SERVER === file ? "" : ` (from the ${from.XMPP_SERVER})`}: only for ROLE=videobridge: a main host's own bridge reaches Prosody at PROSODY_ADDRESS; remove it, or set ROLE=videobridge`);
    delete raw.XMPP_SERVER;
  }

  const result = schemaFor(bridge).safeParse(raw);
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
  const inv: Inventory = {
    name,
    role: v.ROLE,
    group: v.GROUP,
    bridge: {
      nickname: v.JVB_NICKNAME ?? name.toLowerCase(),
      xmppServer: bridge ? (v.XMPP_SERVER ?? v.JITSI_DOMAIN) : v.PROSODY_ADDRESS,
      publicAddress: v.JVB_PUBLIC_ADDRESS,
      localAddress: v.JVB_LOCAL_ADDRESS,
    },
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
    jwt: { appId: v.JWT_APP_ID ?? "", appSecret: v.JWT_APP_SECRET ?? "", audience: v.JWT_AUDIENCE },
    luaVersion: v.LUA_VERSION,
    tls: { mode: v.TLS_MODE, cert: v.TLS_CERT, key: v.TLS_KEY },
  };
  return { inv, from };
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
