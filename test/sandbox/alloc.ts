// Host names and 127.0.0.N addresses, claimed with atomic mkdir so parallel workers never collide.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { IPS_DIR, hostDir, HOSTS_DIR } from "./paths.js";

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const FIRST = 10;
const LAST = 250;

/** Throws unless name is a valid host name: lower-case [a-z0-9-], 1-32 chars, not "example". */
export function validateName(name: string): void {
  if (!NAME.test(name) || name === "example") {
    throw new Error(`sandbox: invalid host name ${JSON.stringify(name)}: use 1-32 of [a-z0-9-], not starting or ending with '-' (and not "example")`);
  }
}

/** Creates the host's state directory; throws if the host already exists. */
export async function claimHostDir(name: string): Promise<string> {
  await mkdir(HOSTS_DIR, { recursive: true });
  const dir = hostDir(name);
  try {
    await mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new Error(`sandbox: host ${name} already exists (run: npm run sandbox -- down ${name})`);
    }
    throw e;
  }
  return dir;
}

/** Claims the lowest free 127.0.0.N (N >= 10) for the host and returns it. */
export async function claimIp(name: string): Promise<string> {
  await mkdir(IPS_DIR, { recursive: true });
  for (let n = FIRST; n <= LAST; n++) {
    try {
      await mkdir(join(IPS_DIR, String(n)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw e;
    }
    await writeFile(join(IPS_DIR, String(n), "name"), name + "\n");
    return `127.0.0.${n}`;
  }
  throw new Error(`sandbox: no free address in 127.0.0.${FIRST}-${LAST}`);
}

/** Releases a claimed address (no-op when it is not claimed). */
export async function releaseIp(ip: string): Promise<void> {
  const n = ip.split(".")[3];
  if (!n || !/^\d+$/.test(n)) return;
  await rm(join(IPS_DIR, n), { recursive: true, force: true });
}

/** Addresses claimed by a host name (normally one), for cleaning up after a half-done up. */
export async function ipsClaimedBy(name: string, claimed: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const n of claimed) {
    const owner = await readFile(join(IPS_DIR, n, "name"), "utf8").catch(() => "");
    if (owner.trim() === name) out.push(`127.0.0.${n}`);
  }
  return out;
}
