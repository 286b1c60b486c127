// A per-host lock so two provision runs never work on one host at once; a lock whose holder is provably gone is taken over.
import { hostname, userInfo } from "node:os";
import type { Host } from "./host/host.js";
import { HostError } from "./errors.js";
import { readBatch, type Known } from "./facts/collect.js";
import type { Fact } from "./facts/fact.js";

export const LOCK_DIR = "/run/lock/provision";

/** A lock that names no holder (its run died between mkdir and writing the record) is stale after this long. */
export const UNNAMED_LOCK_STALE_SECONDS = 60;

// mkdir is atomic: whoever creates the directory holds the lock and writes who they are into it, with the sshd
// process serving its SSH session on this host (pid:start time, so a reused pid does not count). Contenders are
// serialised by flock on "$1.serial" (released by the kernel if a script dies), so a stale lock is taken over once.
// $1 lock dir, $2 our holder record, $3 a holder record the caller found stale (its process on the control
// machine is gone), or "". Exit 0 = acquired; 5 = acquired by taking over a stale lock (stdout: the old holder,
// then why); 3 = held (stdout: the holder); 4 = another contender kept the serialisation lock for 10 s.
export const ACQUIRE = `set -u
lock=$1 me=$2 stale=$3
mkdir -p -- "$(dirname -- "$lock")" || exit 1
if command -v flock >/dev/null 2>&1; then exec 9>"$lock.serial" || exit 1; flock -w 10 9 || exit 4; fi
starttime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
session() {
  p=$$
  while [ "$p" -gt 1 ] 2>/dev/null; do
    case $(cat "/proc/$p/comm" 2>/dev/null) in sshd*) printf '%s:%s' "$p" "$(starttime "$p")"; return;; esac
    p=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f2)
  done
  printf -
}
take() { mkdir -m 755 -- "$lock" 2>/dev/null && printf '%s session=%s\\n' "$me" "$(session)" >"$lock/holder"; }
take && exit 0
holder=$(cat -- "$lock/holder" 2>/dev/null) || holder=""
why=""
if [ -z "$holder" ]; then
  age=$(( $(date +%s) - $(stat -c %Y -- "$lock" 2>/dev/null || date +%s) ))
  [ "$age" -gt ${UNNAMED_LOCK_STALE_SECONDS} ] && why="the lock names no holder and is \${age} s old"
else
  case $holder in
    *" session="*) s=\${holder##* session=}
      case $s in [0-9]*:[0-9]*) [ "$(starttime "\${s%%:*}")" = "\${s#*:}" ] || why="its SSH session on the host (sshd pid \${s%%:*}) is gone";; esac;;
  esac
fi
[ -z "$why" ] && [ -n "$stale" ] && [ "$holder" = "$stale" ] && why="its process on the control machine is gone"
if [ -n "$why" ]; then
  rm -rf -- "$lock" || exit 1
  take || exit 1
  printf '%s\\n%s\\n' "\${holder:-unknown}" "$why"; exit 5
fi
printf '%s\\n' "\${holder:-unknown}"; exit 3`;

// $1 lock dir, $2 our holder record: remove the lock only while it is still ours (it may have been taken over).
export const RELEASE = `case $(cat -- "$1/holder" 2>/dev/null) in "$2 session="*) rm -rf -- "$1";; esac; exit 0`;

/** Who holds a lock, as recorded in its holder file. */
export interface Holder {
  user?: string;
  /** The control machine's host name. */
  control?: string;
  pid?: number;
  since?: string;
  /** The holder's sshd process on the host, "pid:starttime", or "-". */
  session?: string;
}

/** Parse a holder record (`user=… control=… pid=… since=… session=…`; the older `user@machine pid N since T` too). */
export function parseHolder(line: string): Holder {
  const old = /^(\S+)@(\S+) pid (\d+) since (\S+)/.exec(line);
  if (old) return { user: old[1], control: old[2], pid: Number(old[3]), since: old[4] };
  const f = Object.fromEntries([...line.matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1], m[2]]));
  return { user: f.user, control: f.control, pid: f.pid && /^\d+$/.test(f.pid) ? Number(f.pid) : undefined, since: f.since, session: f.session };
}

/** A holder record as people read it: `alice@laptop pid 42 since … (sshd pid 7 on the host)`. */
export function describeHolder(line: string): string {
  const h = parseHolder(line);
  if (h.control === undefined || h.pid === undefined) return line || "unknown";
  const session = h.session && h.session !== "-" ? ` (sshd pid ${h.session.split(":")[0]} on the host)` : "";
  return `${h.user ?? "?"}@${h.control} pid ${h.pid}${h.since ? ` since ${h.since}` : ""}${session}`;
}

/** One word for the record: no spaces or '=' (they separate fields). */
function field(v: string): string {
  return v.replace(/[\s=]+/g, "_") || "_";
}

/** This process's holder record (the host appends its session). */
export function ourRecord(now = new Date()): string {
  return `user=${field(userInfo().username)} control=${field(hostname())} pid=${process.pid} since=${now.toISOString()}`;
}

/** Whether a holder is provably gone from this machine: it ran here (same host name) and its pid is not running. */
export function goneFromThisMachine(line: string, here = hostname(), alive = pidAlive): boolean {
  const h = parseHolder(line);
  return h.control === field(here) && h.pid !== undefined && h.pid !== process.pid && !alive(h.pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface HeldLock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long to wait for another run's lock. */
  timeoutMs: number;
  /** The host's real address for messages: SSH_HOST and SSH_PORT (and the login user, for the fix's ssh command). */
  address: { host: string; port: number; user: string; jump?: { host: string; port: number; user: string }[] };
  pollMs?: number;
  /** Aborted on Ctrl-C: stop waiting. */
  signal?: AbortSignal;
  /** Told when a stale lock is taken over (the runner shows it and puts it in the report). */
  notice?: (message: string) => void;
  /** The lock directory (tests). */
  dir?: string;
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

/**
 * Take the host's lock, waiting up to timeoutMs for another run to finish (or until `signal` aborts). A lock whose
 * holder is provably gone is taken over, with a notice: its SSH session on the host has ended, or it ran on this
 * machine and its process is no longer running, or it names no holder and is a minute old. `facts` are read in the
 * same command, once the lock is taken (src/facts/batch.ts): a run starts with one round trip.
 */
export async function acquireLock(host: Host, o: LockOptions, facts: readonly Fact<unknown>[] = []): Promise<HeldLock & { known: Known }> {
  const dir = o.dir ?? LOCK_DIR;
  const me = ourRecord();
  const at = `${o.address.host}:${o.address.port}`;
  const deadline = Date.now() + o.timeoutMs;
  let stale = "";
  for (;;) {
    let r: { code: number; stdout: string; stderr: string };
    let known: Known = new Map();
    if (facts.length === 0) r = await host.run(["sh", "-c", ACQUIRE, "lock", dir, me, stale], { sudo: true });
    else {
      const b = await readBatch(host, facts, { script: ACQUIRE, dir, me, stale });
      r = { code: b.lock?.code ?? b.code, stdout: b.lock?.stdout ?? "", stderr: b.stderr };
      known = b.known;
    }
    if (r.code === 0 || r.code === 5) {
      if (r.code === 5) {
        const [old = "unknown", why = "its holder is gone"] = r.stdout.trimEnd().split("\n");
        o.notice?.(`took over the stale provision lock on ${at} from ${describeHolder(old)}: ${why}`);
      }
      // One release, however often asked; the lock stays in `held` until it is done, so releaseAllLocks (Ctrl-C)
      // waits for a release the run has already started instead of exiting under it.
      let releasing: Promise<void> | undefined;
      const lock: HeldLock & { known: Known } = {
        known,
        release: () =>
          (releasing ??= (async () => {
            try {
              await host.run(["sh", "-c", RELEASE, "unlock", dir, me], { sudo: true });
            } finally {
              held.delete(lock);
            }
          })()),
      };
      held.add(lock);
      return lock;
    }
    if (r.code !== 3 && r.code !== 4)
      throw new HostError(`could not take the provision lock ${dir} on ${at} (exit ${r.code})`, {
        where: host.name,
        lines: [r.stderr.trim()].filter(Boolean),
      });
    const holder = r.code === 4 ? "" : r.stdout.trim();
    // Held by a run of this machine that no longer exists: ask the host to take it over, if it is still that one.
    if (holder && holder !== stale && goneFromThisMachine(holder)) {
      stale = holder;
      continue;
    }
    if (Date.now() >= deadline) {
      const jumps = (o.address.jump ?? []).map((j) => `${j.user}@${j.host}${j.port === 22 ? "" : `:${j.port}`}`).join(",");
      const ssh = `ssh${jumps ? ` -J ${jumps}` : ""}${o.address.port === 22 ? "" : ` -p ${o.address.port}`} ${o.address.user}@${o.address.host}`;
      throw new HostError(`another provision run holds the lock on ${at}: ${holder ? describeHolder(holder) : "another run is taking it right now"}`, {
        where: host.name,
        fix: `wait for that run to finish (or raise --lock-timeout); if no run is active, remove the stale lock: ${ssh} sudo rm -r ${dir}`,
      });
    }
    o.signal?.throwIfAborted();
    await new Promise<void>((res) => {
      const t = setTimeout(done, o.pollMs ?? 1000);
      function done() {
        clearTimeout(t);
        o.signal?.removeEventListener("abort", done);
        res();
      }
      o.signal?.addEventListener("abort", done, { once: true });
    });
    o.signal?.throwIfAborted();
  }
}
