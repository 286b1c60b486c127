// Where an inventory host is reached: the SSH config's settings for it (under the inventory's own keys), its jump hosts.
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expandTokens, lookupHostConfig, SshConfigError, type ConfigIO, type ConfigValue } from "./ssh-config.js";

/** How SSH_PROXY_JUMP is written (error messages and docs). */
export const PROXY_JUMP_FORMAT = "[user@]host[:port], several comma-separated for a chain (as ssh -J), or none";

/** One jump host as written in SSH_PROXY_JUMP / ProxyJump. */
export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/** A jump host as connected to. */
export interface JumpHop {
  host: string;
  port: number;
  user: string;
  key?: string;
}

const HOP = /^(?:ssh:\/\/)?(?:([A-Za-z_][A-Za-z0-9_.-]*\$?)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?)(?::(\d{1,5}))?$/;

/** Parse SSH_PROXY_JUMP; `none` (or empty) is no jump host. Throws an Error saying what is wrong with which hop. */
export function parseProxyJump(spec: string): JumpSpec[] {
  const s = spec.trim();
  if (s === "" || s.toLowerCase() === "none") return [];
  return s.split(",").map((part) => {
    const m = HOP.exec(part.trim());
    if (!m) throw new Error(`'${part.trim()}' is not ${PROXY_JUMP_FORMAT.split(",")[0]}`);
    const port = m[3] === undefined ? undefined : Number(m[3]);
    if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`'${part.trim()}': port ${m[3]} is not 1-65535`);
    return { user: m[1], host: m[2]!.replace(/^\[(.*)\]$/, "$1"), port };
  });
}

/** ConfigIO over the real file system; a file that exists but cannot be read is an error, not an empty config. */
export function fileConfigIO(home: string): ConfigIO {
  return {
    home,
    read(path) {
      try {
        return readFileSync(path, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw new SshConfigError(`cannot read ${path}: ${(e as Error).message}`);
      }
    },
    list(dir) {
      try {
        return readdirSync(dir);
      } catch {
        return null;
      }
    },
  };
}

/** Which SSH config to read, and how. */
export interface SshConfigSource {
  /** The config file; undefined: none is read (SSH_CONFIG=none). */
  file?: string;
  io: ConfigIO;
  /** The local user name (%u, and a jump host's login when none is given, as OpenSSH does). */
  localUser: string;
}

const label = (keyword: string, v: ConfigValue) => `${keyword} at ${v.file}:${v.line}`;

/**
 * Fill the inventory's SSH keys from the SSH config entry for SSH_HOST (or the inventory name): HostName replaces
 * SSH_HOST (an alias); User, Port, IdentityFile and ProxyJump fill SSH_USER, SSH_PORT, SSH_KEY and SSH_PROXY_JUMP
 * unless the inventory or the environment sets them. `from` records where each value came from. Returns problems.
 */
export function applySshConfig(raw: Record<string, string>, from: Record<string, string>, name: string, src: SshConfigSource): string[] {
  if (src.file === undefined) return [];
  const alias = raw.SSH_HOST ?? name;
  try {
    const c = lookupHostConfig(alias, src.file, src.io);
    const set = (key: string, keyword: string, v: ConfigValue | undefined, value?: string) => {
      if (v === undefined || raw[key] !== undefined) return;
      raw[key] = value ?? v.value;
      from[key] = label(keyword, v);
    };
    if (c.hostName) {
      raw.SSH_HOST = expandTokens(c.hostName, "HostName", { h: alias });
      from.SSH_HOST = label("HostName", c.hostName);
    }
    set("SSH_USER", "User", c.user);
    set("SSH_PORT", "Port", c.port);
    set("SSH_PROXY_JUMP", "ProxyJump", c.proxyJump);
    if (c.identityFile && raw.SSH_KEY === undefined) {
      const tokens = { h: raw.SSH_HOST ?? alias, d: src.io.home, u: src.localUser, r: raw.SSH_USER ?? "", p: raw.SSH_PORT ?? "22" };
      set("SSH_KEY", "IdentityFile", c.identityFile, identityPath(c.identityFile, tokens, src.io.home));
    }
    if (c.proxyCommand && c.proxyCommand.value.toLowerCase() !== "none" && raw.SSH_PROXY_JUMP === undefined)
      return [`${label("ProxyCommand", c.proxyCommand)}: ProxyCommand is not supported; use ProxyJump there, or set SSH_PROXY_JUMP (${PROXY_JUMP_FORMAT})`];
    return [];
  } catch (e) {
    if (e instanceof SshConfigError) return [`SSH config: ${e.message} (set SSH_CONFIG=none to not read it)`];
    throw e;
  }
}

/** IdentityFile as a path: tokens expanded, `~` expanded, relative to the working directory (as ssh does). */
function identityPath(v: ConfigValue, tokens: Record<string, string>, home: string): string {
  const p = expandTokens(v, "IdentityFile", tokens);
  return resolve(p === "~" ? home : p.startsWith("~/") ? `${home}${p.slice(1)}` : p);
}

/**
 * Resolve SSH_PROXY_JUMP into hops, each through the SSH config like the target (HostName, User, Port,
 * IdentityFile). A hop's login: user@ in the spec, else its User, else the local user (as ssh -J); its key: its
 * IdentityFile, else SSH_KEY (else the agent). Throws an Error with the problem.
 */
export function resolveJumps(spec: string | undefined, src: SshConfigSource, key: string | undefined): JumpHop[] {
  const hops = parseProxyJump(spec ?? "");
  return hops.map((h) => {
    let c: ReturnType<typeof lookupHostConfig> = {};
    if (src.file !== undefined) {
      try {
        c = lookupHostConfig(h.host, src.file, src.io);
      } catch (e) {
        if (e instanceof SshConfigError) throw new Error(`SSH config: ${e.message} (set SSH_CONFIG=none to not read it)`);
        throw e;
      }
    }
    const nested = [c.proxyJump, c.proxyCommand].find((v) => v && v.value.toLowerCase() !== "none");
    if (nested)
      throw new Error(`the jump host ${h.host} has its own ${nested === c.proxyJump ? "ProxyJump" : "ProxyCommand"} (${nested.file}:${nested.line}), which provision does not follow: list the whole chain in SSH_PROXY_JUMP, first hop first (a,b)`);
    const host = c.hostName ? expandTokens(c.hostName, "HostName", { h: h.host }) : h.host;
    const port = h.port ?? (c.port ? Number(c.port.value) : 22);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`the jump host ${h.host}: Port ${c.port?.value} (${c.port?.file}:${c.port?.line}) is not a port number`);
    const user = h.user ?? c.user?.value ?? src.localUser;
    const tokens = { h: host, d: src.io.home, u: src.localUser, r: user, p: String(port) };
    return { host, port, user, key: c.identityFile ? identityPath(c.identityFile, tokens, src.io.home) : key };
  });
}
