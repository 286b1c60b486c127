// Before connecting: every host's SSH key files (SSH_KEY / IdentityFile, the jump hosts' too) exist and are readable.
import { accessSync, constants, openSync, readSync, closeSync, statSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { Inventory } from "../inventory-types.js";

const FIX = "set SSH_KEY (or IdentityFile for the host in the SSH config) to a readable private key file, or leave both unset to log in with the SSH agent";

/** What is wrong with a private key file, or undefined when it can be used. */
export function keyFileProblem(path: string): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return `${path} does not exist`;
  }
  if (!st.isFile()) return `${path} is not a file`;
  try {
    accessSync(path, constants.R_OK);
    const fd = openSync(path, "r");
    try {
      const head = Buffer.alloc(64);
      const n = readSync(fd, head, 0, head.length, 0);
      if (/^(ssh-|ecdsa-sha2-|sk-)/.test(head.subarray(0, n).toString("latin1"))) return `${path} is a public key (the private key is the file without .pub)`;
    } finally {
      closeSync(fd);
    }
  } catch {
    return `${path} is not readable`;
  }
  return undefined;
}

/**
 * Refuse, before any connection (exit 2), hosts whose key files cannot be used, or that have no key and no agent:
 * one UsageError naming every file.
 */
export function checkSshKeys(invs: readonly Inventory[], env: NodeJS.ProcessEnv = process.env): void {
  const problems: string[] = [];
  for (const inv of invs) {
    const hops = [...(inv.ssh.jump ?? []).map((j) => ({ ...j, what: `jump host ${j.host}` })), { ...inv.ssh, what: "" }];
    for (const hop of hops) {
      const whose = `${inv.name}${hop.what ? ` (${hop.what})` : ""}`;
      if (hop.key === undefined) {
        if (!env.SSH_AUTH_SOCK) problems.push(`${whose}: no SSH key and no SSH agent (SSH_AUTH_SOCK is not set)`);
        continue;
      }
      const p = keyFileProblem(hop.key);
      if (p) problems.push(`${whose}: SSH key ${p}`);
    }
  }
  const unique = [...new Set(problems)];
  if (unique.length === 0) return;
  throw new UsageError(unique.length === 1 ? `cannot log in: ${unique[0]}` : `cannot log in: ${unique.length} SSH key problems`, {
    lines: unique.length === 1 ? [] : unique,
    fix: unique.some((p) => p.includes("no SSH agent")) ? `${FIX}; or start ssh-agent and add your key (ssh-add)` : FIX,
  });
}
