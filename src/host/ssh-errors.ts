// Turning SSH connection failures and host key verdicts into HostErrors that say what to do.
import { HostError } from "../errors.js";
import { hostKeyName, keyTypeLabel, type HostKeyCheck } from "./known-hosts.js";

export interface KeyInfo {
  name: string;
  host: string;
  port: number;
  keyType: string;
  fingerprint: string;
  file: string;
  /** A jump host (ProxyJump) on the way to the inventory's host. */
  jump?: boolean;
}

export const ACCEPT_NEW_FIX = "re-run with --accept-new-host-key to trust and record it (like OpenSSH's StrictHostKeyChecking=accept-new)";

/** The refusal for a host key that is not a match: unknown, revoked, or changed (OpenSSH's warning text). */
export function hostKeyError(verdict: Exclude<HostKeyCheck, "match">, k: KeyInfo): HostError {
  const label = keyTypeLabel(k.keyType);
  const shownHost = hostKeyName(k.host, k.port);
  const which = k.jump ? "jump host " : "";
  if (verdict === "unknown") {
    return new HostError(`unknown SSH host key for ${which}${k.host}:${k.port}: ${label} key ${k.fingerprint}`, {
      where: k.name,
      lines: [
        `The authenticity of host '${shownHost}' can't be established.`,
        `${label} key fingerprint is ${k.fingerprint}.`,
        `It is not in ${k.file}. Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_${label.toLowerCase()}_key.pub\` on the host's console.`,
      ],
      fix: ACCEPT_NEW_FIX,
    });
  }
  if ("revoked" in verdict) {
    return new HostError(`the ${label} host key of ${which}${k.host}:${k.port} is REVOKED (${k.fingerprint})`, {
      where: k.name,
      lines: [`Revoked key in ${verdict.revoked.file}:${verdict.revoked.line}`, "No command was run."],
      fix: "the host presents a key you marked @revoked: find out why before connecting; give the host a new key",
    });
  }
  const offending = verdict.offending.map((e) => `Offending ${keyTypeLabel(e.keyType)} key in ${e.file}:${e.line}`);
  const otherTypeOnly = !verdict.changed.includes(k.keyType);
  return new HostError(`WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${which}${k.host}:${k.port}! No command was run.`, {
    where: k.name,
    lines: [
      "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
      "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @",
      "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@",
      "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!",
      "Someone could be eavesdropping on you right now (man-in-the-middle attack)!",
      "It is also possible that a host key has just been changed.",
      `The fingerprint for the ${label} key sent by the remote host is`,
      `${k.fingerprint}.`,
      ...(otherTypeOnly ? [`The host is on record only with ${verdict.changed.map(keyTypeLabel).join(", ")} keys; a new key type is treated as a change.`] : []),
      ...offending,
      `Host key for ${shownHost} has changed and provision always checks host keys strictly.`,
    ],
    fix: `if the host was really reinstalled, confirm the new fingerprint on its console, remove the old entry with \`ssh-keygen -R '${shownHost}' -f ${k.file}\`, then ${ACCEPT_NEW_FIX}`,
  });
}

export interface ConnInfo {
  name: string;
  host: string;
  port: number;
  user: string;
  /** How we tried to log in, e.g. "key /root/.ssh/id_ed25519" or "agent". */
  auth: string;
  /** A jump host (ProxyJump): its address comes from SSH_PROXY_JUMP or ~/.ssh/config, not SSH_HOST. */
  jump?: boolean;
}

/** Explain a failed connect (before or during authentication). */
export function connectError(e: unknown, c: ConnInfo): HostError {
  const err = e as Error & { code?: string | number; level?: string };
  const msg = err?.message ?? String(e);
  const at = `${c.jump ? "jump host " : ""}${c.host}:${c.port}`;
  const code = err?.code;
  const keys = c.jump ? "SSH_PROXY_JUMP (or ProxyJump in the SSH config)" : "SSH_HOST/SSH_PORT";
  if (code === "ECONNREFUSED") {
    return new HostError(`cannot connect to ${at}: connection refused`, { where: c.name, lines: [msg], fix: `check ${keys} in the inventory and that sshd runs on ${c.host}:${c.port}` });
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new HostError(`cannot resolve host name ${c.host}`, { where: c.name, lines: [msg], fix: `check ${c.jump ? keys : "SSH_HOST"} in the inventory and your DNS` });
  }
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EHOSTDOWN") {
    return new HostError(`cannot reach ${at}: ${code === "ENETUNREACH" ? "network" : "host"} unreachable`, { where: c.name, lines: [msg], fix: "check the address and the network path (VPN, firewall)" });
  }
  if (code === "ETIMEDOUT" || /timed out/i.test(msg)) {
    return new HostError(`cannot connect to ${at}: no SSH handshake within the connect timeout`, { where: c.name, lines: [msg], fix: `check that ${c.host}:${c.port} is reachable and runs sshd (firewall?); raise SSH_CONNECT_TIMEOUT on slow links` });
  }
  if (err?.level === "client-authentication" || /authentication methods failed/i.test(msg)) {
    return new HostError(`SSH login as ${c.user} on ${at} was rejected (tried ${c.auth})`, { where: c.name, lines: [msg], fix: c.jump ? `check the user in SSH_PROXY_JUMP (user@host) and the key (IdentityFile for that host in the SSH config, else SSH_KEY): the public key must be in ~${c.user}/.ssh/authorized_keys on the jump host` : `check SSH_USER and SSH_KEY: the public key must be in ~${c.user}/.ssh/authorized_keys on the host` });
  }
  if (/privatekey|private key|passphrase|Cannot parse/i.test(msg)) {
    return new HostError(`cannot use the SSH key (${c.auth})`, { where: c.name, lines: [msg], fix: "use an unencrypted key file in SSH_KEY, or load an encrypted key into ssh-agent and leave SSH_KEY empty" });
  }
  if (code === "ECONNRESET" || /No response from server|closed/i.test(msg)) {
    return new HostError(`the SSH connection to ${at} was closed before login completed`, { where: c.name, lines: [msg], fix: `check the sshd log on ${c.host} (MaxStartups, AllowUsers, tcp wrappers)` });
  }
  return new HostError(`cannot connect to ${at} over SSH`, { where: c.name, lines: [msg], fix: "check the inventory's SSH settings" });
}
