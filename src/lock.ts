// A per-host lock so two provision runs never work on one host at once.
import { hostname, userInfo } from "node:os";
import type { Host } from "./host/host.js";
import { HostError } from "./errors.js";

export const LOCK_DIR = "/run/lock/provision";

// mkdir is atomic: whoever creates the directory holds the lock and writes who they are into it.
// $1 lock dir, $2 holder text. Exit 0 = acquired, 3 = held (holder printed).
const ACQUIRE = `mkdir -p "$(dirname "$1")"
if mkdir -m 755 "$1" 2>/dev/null; then printf '%s\\n' "$2" > "$1/holder"; exit 0; fi
cat "$1/holder" 2>/dev/null || echo unknown; exit 3`;

export interface HeldLock {
  release(): Promise<void>;
}

const held = new Set<HeldLock>();

/** Release every lock this process holds (Ctrl-C), best effort, within timeoutMs: a stopped run must not leave hosts locked. */
export async function releaseAllLocks(timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all([...held].map((l) => l.release().catch(() => undefined))),
    new Promise((r) => (timer = setTimeout(r, timeoutMs))),
  ]);
  clearTimeout(timer);
}

/** Take the host's lock, waiting up to timeoutMs for another run to finish (or until `signal` aborts). */
export async function acquireLock(host: Host, timeoutMs: number, pollMs = 1000, signal?: AbortSignal): Promise<HeldLock> {
  const holder = `${userInfo().username}@${hostname()} pid ${process.pid} since ${new Date().toISOString()}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await host.run(["sh", "-c", ACQUIRE, "lock", LOCK_DIR, holder], { sudo: true });
    if (r.code === 0) {
      const lock: HeldLock = {
        release: async () => {
          if (!held.delete(lock)) return;
          await host.run(["rm", "-rf", "--", LOCK_DIR], { sudo: true });
        },
      };
      held.add(lock);
      return lock;
    }
    if (r.code !== 3)
      throw new HostError(`could not take the provision lock ${LOCK_DIR} (exit ${r.code})`, {
        where: host.name,
        lines: [r.stderr.trim()].filter(Boolean),
      });
    if (Date.now() >= deadline)
      throw new HostError(`another provision run holds the lock: ${r.stdout.trim()}`, {
        where: host.name,
        fix: `wait for that run to finish (or raise --lock-timeout); if no run is active, remove the stale lock: ssh ${host.name} sudo rm -r ${LOCK_DIR}`,
      });
    signal?.throwIfAborted();
    await new Promise<void>((res) => {
      const t = setTimeout(done, pollMs);
      function done() {
        clearTimeout(t);
        signal?.removeEventListener("abort", done);
        res();
      }
      signal?.addEventListener("abort", done, { once: true });
    });
    signal?.throwIfAborted();
  }
}
