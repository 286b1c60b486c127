// Where the sandbox keeps its state (/srv/provision-sandbox, or $PROVISION_SANDBOX_DIR), its hosts' inventories included.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/**
 * Root of all sandbox state. Not inside the repository: a host covers /tmp with its own directory and overlays
 * /etc /var /home /usr /opt /root, so state (the overlays' upper directories) under any of those would be hidden
 * from the host or overlap its own overlay. /srv is none of them, and it is shared by every checkout on the
 * machine, so two checkouts never hand out the same 127.0.0.N.
 */
export const SANDBOX_DIR = resolve(process.env.PROVISION_SANDBOX_DIR ?? "/srv/provision-sandbox");
/** One directory per host. */
export const HOSTS_DIR = join(SANDBOX_DIR, "hosts");
/** One directory per claimed address (127.0.0.N -> ips/N). */
export const IPS_DIR = join(SANDBOX_DIR, "ips");
/** The client key pair shared by all hosts. */
export const CLIENT_KEY = join(SANDBOX_DIR, "id_ed25519");
/**
 * The sandbox's own inventory directory, where `up` writes <name>.env and <name>.secrets.env: never the
 * repository's inventory/, which holds the operator's files. Point provision at it with
 * `--inventory <dir>` or PROVISION_INVENTORY_DIR.
 */
export const INVENTORY_DIR = join(SANDBOX_DIR, "inventory");
/** The script that becomes PID 1 of a host. */
export const INIT_SCRIPT = join(REPO, "test", "sandbox", "host-init.sh");

/** State directory of one host. */
export function hostDir(name: string): string {
  return join(HOSTS_DIR, name);
}
