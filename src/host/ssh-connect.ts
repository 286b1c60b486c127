// One SSH connection (node-ssh/ssh2) to one hop, its host key verified against known_hosts before authentication.
import { access } from "node:fs/promises";
import type { Duplex } from "node:stream";
import { NodeSSH } from "node-ssh";
import { HostError, UsageError } from "../errors.js";
import { appendHostKey, checkHostKey, entryMatchesHost, expandHome, fingerprint, hostKeyName, keyTypeLabel, keyTypeOfBlob, type HostKeyCheck, type KnownHostEntry } from "./known-hosts.js";
import { connectError, hostKeyError } from "./ssh-errors.js";

// node-ssh's typings re-export ssh2's, whose @types package is not installed: the little we use, typed here.
export interface ExecChannel extends Duplex {
  stderr: NodeJS.ReadableStream;
  signal(name: string): void;
  close(): void;
}
export interface Client {
  on(event: "error", f: (e: Error) => void): this;
  on(event: "close", f: () => void): this;
  once(event: "close", f: () => void): this;
  exec(cmd: string, cb: (err: Error | undefined, channel: ExecChannel) => void): this;
  forwardOut(srcIP: string, srcPort: number, dstIP: string, dstPort: number, cb: (err: Error | undefined, channel: Duplex) => void): this;
  end(): this;
  destroy(): this;
}

/** Where one connection goes: the target, or a jump host (ProxyJump) on the way to it. */
export interface Hop {
  host: string;
  port: number;
  user: string;
  /** Private key file; undefined: the SSH agent. */
  key?: string;
}

/** What every hop of one host's connection shares. */
export interface HopContext {
  /** Inventory name (errors say where). */
  name: string;
  knownHostsFile: string;
  entries: KnownHostEntry[];
  connectTimeoutMs: number;
  /** Record an unknown host key and go on (accept-new); a changed key is still refused. */
  acceptNewHostKey?: boolean;
  notice: (message: string) => void;
}

/** Host key algorithms, OpenSSH-like order; `ssh-rsa` (SHA-1 signatures) is left out as OpenSSH ≥ 8.8 does. */
const HOST_KEY_ALGOS = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256"];

/** Ask first for the key types already on record for this host, so an honest server presents a known key. */
function hostKeyAlgorithms(knownTypes: string[]): string[] {
  const preferred = HOST_KEY_ALGOS.filter((a) => knownTypes.some((t) => t === a || (t === "ssh-rsa" && a.startsWith("rsa-sha2-"))));
  return [...preferred, ...HOST_KEY_ALGOS.filter((a) => !preferred.includes(a))];
}

/** The login for a hop: its key file (checked readable) or the agent; a UsageError when there is neither. */
export async function hopAuth(hop: Hop, name: string, jump: boolean): Promise<{ privateKeyPath?: string; agent?: string }> {
  if (hop.key) {
    const keyPath = expandHome(hop.key);
    try {
      await access(keyPath);
    } catch {
      throw new UsageError(`SSH key ${keyPath} does not exist or is not readable`, { where: name, fix: "set SSH_KEY (or IdentityFile in ~/.ssh/config) to a readable private key file, or leave it empty to use the SSH agent" });
    }
    return { privateKeyPath: keyPath };
  }
  if (process.env.SSH_AUTH_SOCK) return { agent: process.env.SSH_AUTH_SOCK };
  throw new UsageError(`no SSH key and no SSH agent${jump ? ` for the jump host ${hop.host}` : ""}`, { where: name, fix: "set SSH_KEY in the inventory to a private key file, or start ssh-agent and add your key (SSH_AUTH_SOCK)" });
}

/**
 * Open one SSH connection to `hop`; through `sock` (a channel forwarded by the previous hop) for a target behind a
 * jump host. The host key is checked for this hop's own name and port, whichever hop it is.
 */
export async function openConnection(hop: Hop, ctx: HopContext, opts: { sock?: Duplex; jump?: boolean } = {}): Promise<Client> {
  const { name, entries, knownHostsFile } = ctx;
  const auth = await hopAuth(hop, name, Boolean(opts.jump));
  const knownTypes = [...new Set(entries.filter((e) => !e.marker && entryMatchesHost(e, hop.host, hop.port)).map((e) => e.keyType))];
  // The verdict from the host key check; when set, the connection failure is explained by it.
  let refused: HostError | undefined;

  // ssh2 calls the verifier again on every re-key; the key verified (or recorded) once stays trusted.
  let trusted: Buffer | undefined;
  const hostVerifier = (blob: Buffer, verify: (ok: boolean) => void): void => {
    if (trusted?.equals(blob)) return verify(true);
    let keyType: string;
    try {
      keyType = keyTypeOfBlob(blob);
    } catch (e) {
      refused = new HostError(`the SSH server ${hop.host}:${hop.port} sent an unreadable host key`, { where: name, lines: [(e as Error).message] });
      verify(false);
      return;
    }
    const keyB64 = blob.toString("base64");
    const verdict: HostKeyCheck = checkHostKey(entries, hop.host, hop.port, keyType, keyB64);
    if (verdict === "match") {
      trusted = Buffer.from(blob);
      return verify(true);
    }
    if (verdict === "unknown" && ctx.acceptNewHostKey) {
      appendHostKey(knownHostsFile, hop.host, hop.port, keyType, keyB64).then(
        () => {
          trusted = Buffer.from(blob);
          ctx.notice(`Warning: Permanently added '${hostKeyName(hop.host, hop.port)}' (${keyTypeLabel(keyType)}) to the list of known hosts (${knownHostsFile}).`);
          verify(true);
        },
        (e: Error) => {
          refused = new HostError(`cannot record the host key in ${knownHostsFile}`, { where: name, lines: [e.message], fix: "make the known_hosts file and its directory writable" });
          verify(false);
        },
      );
      return;
    }
    refused = hostKeyError(verdict, { name, host: hop.host, port: hop.port, keyType, fingerprint: fingerprint(blob), file: knownHostsFile, jump: opts.jump });
    verify(false);
  };

  const node = new NodeSSH();
  try {
    await node.connect({
      host: hop.host,
      port: hop.port,
      username: hop.user,
      ...auth,
      ...(opts.sock ? { sock: opts.sock as never } : {}),
      readyTimeout: ctx.connectTimeoutMs,
      hostVerifier: hostVerifier as never,
      algorithms: { serverHostKey: hostKeyAlgorithms(knownTypes) as never },
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      tryKeyboard: false,
    });
  } catch (e) {
    node.dispose();
    throw refused ?? connectError(e, { name, host: hop.host, port: hop.port, user: hop.user, auth: auth.agent ? "agent" : `key ${auth.privateKeyPath}`, jump: opts.jump });
  }
  const client = node.connection as Client | null;
  if (!client) throw new HostError(`SSH connection to ${hop.host}:${hop.port} closed right after it opened`, { where: name });
  return client;
}
