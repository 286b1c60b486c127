// Where the sandbox keeps its state: <repo>/.sandbox (git-ignored) and <repo>/inventory.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Root of all sandbox state. */
export const SANDBOX_DIR = join(REPO, ".sandbox");
/** One directory per host. */
export const HOSTS_DIR = join(SANDBOX_DIR, "hosts");
/** One directory per claimed address (127.0.0.N -> ips/N). */
export const IPS_DIR = join(SANDBOX_DIR, "ips");
/** The client key pair shared by all hosts. */
export const CLIENT_KEY = join(SANDBOX_DIR, "id_ed25519");
/** Inventory files written by `up`. */
export const INVENTORY_DIR = join(REPO, "inventory");
/** The script that becomes PID 1 of a host. */
export const INIT_SCRIPT = join(REPO, "test", "sandbox", "host-init.sh");

/** State directory of one host. */
export function hostDir(name: string): string {
  return join(HOSTS_DIR, name);
}
