// OpenSSH known_hosts: parse, check a presented host key, fingerprint it, record a new one.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { appendFile, mkdir, open, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname } from "node:path";

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  file: string;
  /** 1-based line number, for "Offending key in file:line". */
  line: number;
  /** `@revoked` keys are refused; `@cert-authority` lines are kept but never match (no host certificates here). */
  marker?: "revoked" | "cert-authority";
  /** Plain comma-separated patterns (may use `*`, `?`, `!`), or a hashed `|1|salt|hmac` host. */
  hosts: { kind: "patterns"; patterns: string[] } | { kind: "hashed"; salt: Buffer; hash: Buffer };
  keyType: string;
  /** Base64 of the public key blob, as written in the file. */
  key: string;
}

/** Result of checking a presented key. */
export type HostKeyCheck =
  | "match"
  | "unknown"
  /** The key is listed as `@revoked`: refused even with accept-new. */
  | { revoked: KnownHostEntry }
  /** The host is known, but not with this key: `changed` lists the key types on record, `offending` the lines. */
  | { changed: string[]; offending: KnownHostEntry[] };

/** Expand a leading `~/` to the home directory (inventory paths are written that way). */
export function expandHome(path: string): string {
  return path === "~" ? homedir() : path.startsWith("~/") ? homedir() + path.slice(1) : path;
}

/** The name OpenSSH looks up: `host`, or `[host]:port` when the port is not 22. */
export function hostKeyName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** Parse known_hosts text; comments, blank and malformed lines are skipped (as OpenSSH does). */
export function parseKnownHosts(text: string, file = "known_hosts"): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? "").trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const fields = raw.split(/[ \t]+/);
    let marker: KnownHostEntry["marker"];
    if (fields[0]?.startsWith("@")) {
      const m = fields.shift();
      if (m === "@revoked") marker = "revoked";
      else if (m === "@cert-authority") marker = "cert-authority";
      else continue; // unknown marker: OpenSSH ignores the line
    }
    const [hostField, keyType, key] = fields;
    if (!hostField || !keyType || !key) continue;
    if (!/^[A-Za-z0-9+/]+=*$/.test(key)) continue;
    let hosts: KnownHostEntry["hosts"];
    if (hostField.startsWith("|1|")) {
      const parts = hostField.split("|");
      if (parts.length !== 4 || !parts[2] || !parts[3]) continue;
      const salt = Buffer.from(parts[2], "base64");
      const hash = Buffer.from(parts[3], "base64");
      if (salt.length !== 20 || hash.length !== 20) continue;
      hosts = { kind: "hashed", salt, hash };
    } else if (hostField.startsWith("|")) {
      continue; // unknown hash scheme
    } else {
      hosts = { kind: "patterns", patterns: hostField.split(",").filter((p) => p !== "") };
    }
    out.push({ file, line: i + 1, marker, hosts, keyType, key });
  }
  return out;
}

/** OpenSSH-style glob: `*` any run, `?` one character, case-insensitive. */
function globMatch(pattern: string, name: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "is").test(name);
}

/** Does this entry's host field name `host:port`? A matching `!pattern` vetoes the line. */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostKeyName(host, port);
  if (entry.hosts.kind === "hashed") {
    const mac = createHmac("sha1", entry.hosts.salt).update(name).digest();
    return timingSafeEqual(mac, entry.hosts.hash);
  }
  let matched = false;
  for (const p of entry.hosts.patterns) {
    if (p.startsWith("!")) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      matched = true;
    }
  }
  return matched;
}

function sameKey(a: string, b: string): boolean {
  const x = Buffer.from(a, "base64");
  const y = Buffer.from(b, "base64");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * Check a presented host key against known_hosts entries.
 * Decision on "the host is only known with keys of OTHER types": OpenSSH would call that a new key
 * (and accept-new would record it), which lets a man in the middle pick a key type the client has
 * never seen. We refuse it as a change instead; the connector also asks the server for the recorded
 * types first, so an honest server presents one of those.
 */
export function checkHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string, keyBase64: string): HostKeyCheck {
  const mine = entries.filter((e) => e.marker !== "cert-authority" && entryMatchesHost(e, host, port));
  const revoked = mine.find((e) => e.marker === "revoked" && sameKey(e.key, keyBase64));
  if (revoked) return { revoked };
  const known = mine.filter((e) => e.marker === undefined);
  if (known.some((e) => e.keyType === keyType && sameKey(e.key, keyBase64))) return "match";
  if (known.length === 0) return "unknown";
  const sameType = known.filter((e) => e.keyType === keyType);
  return { changed: [...new Set(known.map((e) => e.keyType))], offending: sameType.length > 0 ? sameType : known };
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) throw new Error("host key blob too short");
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || blob.length < 4 + len) throw new Error("host key blob malformed");
  return blob.subarray(4, 4 + len).toString("latin1");
}

/** OpenSSH SHA256 fingerprint: `SHA256:` + unpadded base64 of sha256(blob). */
export function fingerprint(blob: Buffer | string): string {
  const b = typeof blob === "string" ? Buffer.from(blob, "base64") : blob;
  return "SHA256:" + createHash("sha256").update(b).digest("base64").replace(/=+$/, "");
}

/** Upper-case short name OpenSSH prints for a key type ("ED25519", "ECDSA", "RSA"). */
export function keyTypeLabel(keyType: string): string {
  if (keyType === "ssh-ed25519") return "ED25519";
  if (keyType.startsWith("ecdsa-")) return "ECDSA";
  if (keyType === "ssh-rsa") return "RSA";
  if (keyType === "ssh-dss") return "DSA";
  return keyType.toUpperCase();
}

/** Read and parse a known_hosts file; a missing file is an empty list. */
export async function readKnownHosts(file: string): Promise<KnownHostEntry[]> {
  const path = expandHome(file);
  try {
    return parseKnownHosts(await readFile(path, "utf8"), path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/** Record a host key (accept-new): creates the file 0600 and its directory 0700 when missing. */
export async function appendHostKey(file: string, host: string, port: number, keyType: string, keyBase64: string): Promise<void> {
  if (!/^[^\s,#|[\]!*?]+$/.test(host)) throw new Error(`cannot record a host key for host name ${JSON.stringify(host)}`);
  if (!/^[a-z0-9@.-]+$/.test(keyType) || !/^[A-Za-z0-9+/]+=*$/.test(keyBase64)) throw new Error("cannot record a malformed host key");
  const path = expandHome(file);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Start on a fresh line if someone left the file without a trailing newline.
  let prefix = "";
  try {
    const fh = await open(path, "r");
    try {
      const { size } = await fh.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = "\n";
      }
    } finally {
      await fh.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  await appendFile(path, `${prefix}${hostKeyName(host, port)} ${keyType} ${keyBase64}\n`, { mode: 0o600 });
}
