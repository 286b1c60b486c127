// The inventories of sandbox hosts: written to the sandbox's own directory (INVENTORY_DIR, never the repository's
// inventory/), only as new files, and removed only when they are still exactly what the sandbox wrote.
import { createHash, randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CLIENT_KEY, INVENTORY_DIR, hostDir } from "./paths.js";

/** Paths of a host's inventory files. */
export function inventoryFiles(name: string): { env: string; secrets: string } {
  return { env: join(INVENTORY_DIR, `${name}.env`), secrets: join(INVENTORY_DIR, `${name}.secrets.env`) };
}

/** Where a host records the inventory files it wrote and their SHA-256 (in its state directory). */
export function writtenRecord(name: string): string {
  return join(hostDir(name), "inventory-written");
}

/** A 48-character URL-safe random secret. */
export function newSecret(): string {
  return randomBytes(36).toString("base64url");
}

const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/** Creates `file` with `content`; an existing file (whoever wrote it) is never overwritten. */
async function createNew(file: string, content: string, mode: number): Promise<void> {
  try {
    await writeFile(file, content, { mode, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    throw new Error(`sandbox: ${file} already exists and this host did not write it; not overwriting it (move it away, or choose another host name)`);
  }
  await chmod(file, mode);
}

/**
 * Writes the inventory of a sandbox host into INVENTORY_DIR, refusing to overwrite any existing file, and records
 * what it wrote (path and SHA-256) in the host's state directory; returns the path of <name>.env.
 */
export async function writeInventory(name: string, ip: string, knownHostsFile: string): Promise<string> {
  await mkdir(INVENTORY_DIR, { recursive: true, mode: 0o755 });
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
  const secrets = `JWT_APP_SECRET=${newSecret()}\n`;
  const record: string[] = [];
  const remember = () => writeFile(writtenRecord(name), record.join(""), { mode: 0o600 });
  // Each file is recorded as soon as it exists, so a failure half-way still lets `down` remove what was written.
  await createNew(files.secrets, secrets, 0o600);
  record.push(`${sha256(secrets)}  ${files.secrets}\n`);
  await remember();
  await createNew(files.env, env, 0o644);
  record.push(`${sha256(env)}  ${files.env}\n`);
  await remember();
  return files.env;
}

/**
 * Removes the inventory files this host recorded writing, each only while its content is still what was written;
 * returns the files kept (changed since, so no longer the sandbox's). Files it did not write are never touched.
 */
export async function removeInventory(name: string): Promise<string[]> {
  const record = await readFile(writtenRecord(name), "utf8").catch(() => "");
  const kept: string[] = [];
  for (const line of record.split("\n")) {
    const m = /^([0-9a-f]{64}) {2}(\/.+)$/.exec(line);
    if (!m) continue;
    const [, sum, file] = m as unknown as [string, string, string];
    const now = await readFile(file).catch(() => null);
    if (now === null) continue;
    if (sha256(now) === sum) await rm(file, { force: true });
    else kept.push(file);
  }
  await rm(writtenRecord(name), { force: true });
  return kept;
}
