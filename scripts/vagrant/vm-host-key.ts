// The VM's host key, as read through `vagrant ssh`, turned into a line of a VM-only known_hosts file (pure).
import { ProvisionError } from "../../src/errors.js";
import { hostKeyName, keyTypeOfBlob } from "../../src/host/known-hosts.js";

/** A public host key: its type and base64 blob. */
export interface HostPublicKey {
  keyType: string;
  key: string;
}

const KEY_LINE = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com)\s+([A-Za-z0-9+/]+={0,2})(?:\s+.*)?$/;

/**
 * Find the one public key line (`type base64 [comment]`) in command output, e.g. of
 * `vagrant ssh -c 'cat /etc/ssh/ssh_host_ed25519_key.pub'` (CRLF from a tty, banners and
 * blank lines around it are tolerated); the blob must name the same key type as the line.
 */
export function parseHostPublicKey(output: string, where = "VM host key"): HostPublicKey {
  const found: HostPublicKey[] = [];
  for (const raw of output.split(/\r?\n|\r/)) {
    const m = KEY_LINE.exec(raw.trim());
    if (m) found.push({ keyType: m[1]!, key: m[2]! });
  }
  const lines = output.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (found.length !== 1)
    throw new ProvisionError(found.length === 0 ? "no SSH public key in the output" : `${found.length} public keys in the output, expected one`, {
      where,
      lines,
      fix: "check that the VM's sshd has generated its host keys (`vagrant ssh -c 'ls /etc/ssh'`)",
    });
  const k = found[0]!;
  let blobType: string;
  try {
    blobType = keyTypeOfBlob(Buffer.from(k.key, "base64"));
  } catch {
    blobType = "";
  }
  if (blobType !== k.keyType)
    throw new ProvisionError(`the public key is malformed: the line says ${k.keyType}, the key data says ${blobType || "nothing readable"}`, {
      where,
      lines,
    });
  return k;
}

/** The known_hosts line for this key at host:port: `host type base64`, or `[host]:port type base64` off port 22 (as OpenSSH writes it). */
export function knownHostsLine(host: string, port: number, keyLine: string): string {
  if (!/^[^\s,#|[\]!*?]+$/.test(host))
    throw new ProvisionError(`cannot write a known_hosts line for host name ${JSON.stringify(host)}`, { where: "known_hosts" });
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ProvisionError(`cannot write a known_hosts line for port ${port}`, { where: "known_hosts" });
  const k = parseHostPublicKey(keyLine);
  return `${hostKeyName(host, port)} ${k.keyType} ${k.key}`;
}
