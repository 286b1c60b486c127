// The client key pair shared by all sandbox hosts, created once without races.
import { execFile } from "node:child_process";
import { link, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CLIENT_KEY, SANDBOX_DIR } from "./paths.js";

const run = promisify(execFile);

/** Ensures <sandbox dir>/id_ed25519(.pub) exist and returns the public key line. */
export async function ensureClientKey(): Promise<string> {
  await mkdir(SANDBOX_DIR, { recursive: true });
  const existing = await readFile(CLIENT_KEY + ".pub", "utf8").catch(() => null);
  if (existing) return existing;
  const tmp = await mkdtemp(join(SANDBOX_DIR, "keygen-"));
  try {
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "provision-sandbox", "-f", join(tmp, "k")]);
    try {
      await link(join(tmp, "k"), CLIENT_KEY); // atomic: the first worker's key wins
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  const { stdout } = await run("ssh-keygen", ["-y", "-f", CLIENT_KEY]);
  const pub = stdout.trim() + " provision-sandbox\n";
  await writeFile(CLIENT_KEY + ".pub", pub, { mode: 0o644 });
  return pub;
}
