// Write inventory/vagrant.env, vagrant.known_hosts and (once) vagrant.secrets.env for the test VM.
import { randomBytes } from "node:crypto";
import { appendFile, chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { knownHostsLine } from "./vm-host-key.js";
import { renderInventory, renderSecrets } from "./inventory.js";
import type { VagrantSshConfig } from "./ssh-config.js";

/** Paths of the three files of the vagrant inventory in a directory. */
export function vagrantInventoryPaths(dir: string): { env: string; knownHosts: string; secrets: string } {
  const d = resolve(dir);
  return { env: join(d, "vagrant.env"), knownHosts: join(d, "vagrant.known_hosts"), secrets: join(d, "vagrant.secrets.env") };
}

/** Replace a file atomically (temp file in the same directory, then rename) with the given mode. */
async function replaceFile(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content, { mode, flag: "w" });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

/**
 * Make sure the secrets file holds a JWT_APP_SECRET: create the file (0600) with a fresh random secret,
 * or add one to an existing file; an existing secret is kept. Always leaves the file at mode 0600.
 * Returns whether a secret was generated. The secret itself is never returned or printed.
 */
export async function ensureSecret(path: string): Promise<{ generated: boolean }> {
  const fresh = () => randomBytes(48).toString("base64url");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    // 'wx': never clobber a file another run created meanwhile.
    await writeFile(path, renderSecrets(fresh()), { mode: 0o600, flag: "wx" });
    await chmod(path, 0o600);
    return { generated: true };
  }
  await chmod(path, 0o600);
  if (parseDotenv(text).JWT_APP_SECRET) return { generated: false };
  const sep = text === "" || text.endsWith("\n") ? "" : "\n";
  await appendFile(path, sep + renderSecrets(fresh()));
  return { generated: true };
}

export interface WriteInventoryOptions {
  domain?: string;
  appId?: string;
}

/** Write the vagrant inventory into `dir` from the parsed ssh-config and the VM's public host key line. */
export async function writeVagrantInventory(
  dir: string,
  cfg: VagrantSshConfig,
  hostKey: string,
  opts: WriteInventoryOptions = {},
): Promise<{ env: string; knownHosts: string; secrets: string; secretGenerated: boolean }> {
  const paths = vagrantInventoryPaths(dir);
  // Render everything before touching the disk, so a bad value leaves the old files in place.
  const env = renderInventory(cfg, { domain: opts.domain, appId: opts.appId, knownHosts: paths.knownHosts });
  const knownHosts = knownHostsLine(cfg.host, cfg.port, hostKey) + "\n";
  await mkdir(resolve(dir), { recursive: true });
  await replaceFile(paths.knownHosts, knownHosts, 0o644);
  await replaceFile(paths.env, env, 0o644);
  const { generated } = await ensureSecret(paths.secrets);
  return { ...paths, secretGenerated: generated };
}
