// Writes and removes inventory/<name>.env and inventory/<name>.secrets.env for a sandbox host.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CLIENT_KEY, INVENTORY_DIR } from "./paths.js";

/** Paths of a host's inventory files. */
export function inventoryFiles(name: string): { env: string; secrets: string } {
  return { env: join(INVENTORY_DIR, `${name}.env`), secrets: join(INVENTORY_DIR, `${name}.secrets.env`) };
}

/** A 48-character URL-safe random secret. */
export function newSecret(): string {
  return randomBytes(36).toString("base64url");
}

/** Writes the inventory of a sandbox host; returns the path of inventory/<name>.env. */
export async function writeInventory(name: string, ip: string, knownHostsFile: string): Promise<string> {
  await mkdir(INVENTORY_DIR, { recursive: true });
  const files = inventoryFiles(name);
  const env = [
    `# Sandbox host ${name} (written by test/sandbox; removed by: npm run sandbox -- down ${name})`,
    `SSH_HOST=${ip}`,
    `SSH_PORT=22`,
    `SSH_USER=arch`,
    `SSH_KEY=${CLIENT_KEY}`,
    `SSH_KNOWN_HOSTS=${knownHostsFile}`,
    `JITSI_DOMAIN=${name}.sandbox.test`,
    `PROSODY_ADDRESS=${ip}`,
    // All sandbox hosts share the loopback network: nginx must not take port 80/443 on every address.
    `WEB_ADDRESS=${ip}`,
    `JWT_APP_ID=sandbox`,
    "",
  ].join("\n");
  await writeFile(files.secrets, `JWT_APP_SECRET=${newSecret()}\n`, { mode: 0o600 });
  await chmod(files.secrets, 0o600);
  await writeFile(files.env, env, { mode: 0o644 });
  return files.env;
}

/** Removes the host's inventory files (no error when absent). */
export async function removeInventory(name: string): Promise<void> {
  const files = inventoryFiles(name);
  await rm(files.env, { force: true });
  await rm(files.secrets, { force: true });
}
