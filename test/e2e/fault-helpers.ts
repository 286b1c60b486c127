// Helpers for the fault and hostile-host tests: a provision run that can be faulted at a chosen point, snapshots
// of the managed files (old-or-new), the lock, owed restarts and stale services on a sandbox host.
import { execa, type ResultPromise } from "execa";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { PENDING_RESTARTS } from "../../src/facts/service-freshness.js";
import { loadInventory } from "../../src/inventory.js";
import { LOCK_DIR } from "../../src/lock.js";
import { PATHS, UNIT_ORDER } from "../../src/platform.js";
import { serviceFiles } from "../../tasks/restart.js";
import type { SandboxHost } from "../sandbox/host.js";
import { INVENTORY_DIR, REPO } from "../sandbox/paths.js";
import type { CliResult } from "./helpers.js";

/** Every file provision writes on a host (for old-or-new checks), in task order. */
export function managedFiles(domain: string): string[] {
  const certs = [domain, `auth.${domain}`].flatMap((d) => [`${PATHS.certDir}/${d}.crt`, `${PATHS.certDir}/${d}.key`]);
  return [
    ...certs,
    PATHS.prosodyMain,
    `${PATHS.prosodyConfD}/${domain}.cfg.lua`,
    PATHS.jicofoProvisionConf,
    PATHS.jicofoConf,
    PATHS.jvbProvisionConf,
    PATHS.jvbConf,
    PATHS.configJs,
    PATHS.nginxConf,
    `${PATHS.nginxSites}/${domain}.conf`,
  ];
}

/** path → SHA-256 of its content, or "absent". */
export type Snapshot = Map<string, string>;

/** SHA-256 of each file on the host (read as root, inside the host). */
export async function snapshot(h: SandboxHost, files: readonly string[]): Promise<Snapshot> {
  const r = await h.exec(`for f in ${files.map((f) => `'${f}'`).join(" ")}; do if [ -e "$f" ]; then sha256sum -- "$f"; else echo "absent  $f"; fi; done`);
  if (r.code !== 0) throw new Error(`snapshot on ${h.name} failed: ${r.stderr}`);
  const out: Snapshot = new Map();
  for (const line of r.stdout.trim().split("\n")) {
    const m = /^(\S+) {2}(.+)$/.exec(line);
    if (m) out.set(m[2]!, m[1]!);
  }
  return out;
}

/** The files whose content in `mid` is neither the one in `old` nor the one in `now` (should be none). */
export function neitherOldNorNew(old: Snapshot, mid: Snapshot, now: Snapshot): string[] {
  return [...mid].filter(([f, sum]) => sum !== old.get(f) && sum !== now.get(f)).map(([f, sum]) => `${f} (${sum.slice(0, 12)})`);
}

/** Temporary files of the atomic write left anywhere under /etc (should be none). */
export async function leftoverTemps(h: SandboxHost): Promise<string[]> {
  const r = await h.exec("find /etc -name '.provision-tmp.*' 2>/dev/null");
  return r.stdout.split("\n").filter(Boolean);
}

/** A host's file as seen from this machine, through its overlay's upper directory (only files changed in the host). */
export function upper(h: SandboxHost, path: string): string {
  return join(h.dir, "upper", path);
}

/** Whether the provision lock is present on the host (its /run is a directory of the host's state). */
export function lockHeld(h: SandboxHost): boolean {
  return existsSync(join(h.dir, "run", LOCK_DIR.replace(/^\/run\//, "")));
}

/** Units recorded on the host as owing a restart. */
export async function pendingRestarts(h: SandboxHost): Promise<string[]> {
  const r = await h.exec(`cat ${PENDING_RESTARTS} 2>/dev/null || true`);
  return r.stdout.split("\n").filter(Boolean);
}

/**
 * Services running since before one of their files changed (the freshness rule of the restart task), as
 * "unit file"; and units not active.
 */
export async function staleServices(h: SandboxHost): Promise<string[]> {
  const inv = loadInventory(h.name, { dir: INVENTORY_DIR });
  const script = [...serviceFiles(inv)]
    .map(
      ([unit, files]) =>
        `st=$(systemctl show -p ActiveEnterTimestamp --timestamp=unix --value ${unit}); st=\${st#@}; systemctl is-active -q ${unit} || echo "${unit} not active"
         for f in ${files.join(" ")}; do m=$(stat -c %Y -- "$f" 2>/dev/null) || continue; [ "$m" -gt "$st" ] && echo "${unit} $f"; done`,
    )
    .join("\n");
  const r = await h.exec(`${script}\ntrue`);
  return r.stdout.split("\n").filter(Boolean);
}

/** The host's command log from byte `from` on (read from this machine: no round trip into the host). */
export function commandLogFrom(h: SandboxHost, from: number): string {
  const file = upper(h, "/var/log/sandbox/commands.log");
  try {
    return readFileSync(file).subarray(from).toString("utf8");
  } catch {
    return "";
  }
}

/** Current size of the host's command log. */
export function commandLogSize(h: SandboxHost): number {
  try {
    return statSync(upper(h, "/var/log/sandbox/commands.log")).size;
  } catch {
    return 0;
  }
}

/**
 * Host-side pids of the sshd processes serving SSH connections to the host ("sshd: arch [priv]", "sshd: arch@notty"):
 * the processes of the host's PID namespace with that title (sshd rewrites its argv and environment area).
 */
export async function sshdSessionPids(h: SandboxHost): Promise<number[]> {
  const ns = await readlink(`/proc/${h.pid}/ns/pid`);
  const out: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (!/^sshd: arch\b/.test(cmd)) continue;
    if ((await readlink(`/proc/${entry}/ns/pid`).catch(() => "")) === ns) out.push(Number(entry));
  }
  return out;
}

/** Text that shows a JavaScript stack trace (never in provision's output). */
export const STACK_TRACE = /^\s+at \S.*:\d+:\d+\)?$/m;

export type FaultKind = "cut" | "kill" | "int";

export interface FaultedRun extends CliResult {
  /** Whether the trigger fired (else the run ended first). */
  fired: boolean;
  /** What the trigger reported when it fired. */
  firedAt: string;
  signal?: string;
  ms: number;
}

/** The built CLI started (not awaited) with the sandbox's inventory directory. */
export function startProvision(args: string[], env: Record<string, string> = {}): ResultPromise<{ all: true; reject: false }> {
  return execa("node", [join(REPO, "dist/src/cli.js"), ...args], {
    cwd: REPO,
    reject: false,
    all: true,
    env: { PROVISION_INVENTORY_DIR: INVENTORY_DIR, ...env, FORCE_COLOR: "0" },
    timeout: 300_000,
  }) as ResultPromise<{ all: true; reject: false }>;
}

/**
 * Run provision on `h` and, the moment `trigger` returns a string (polled every few ms, from this machine), inflict
 * the fault: `cut` SIGKILLs the host's sshd processes of our connection, `kill` SIGKILLs the CLI, `int` sends it
 * SIGINT (Ctrl-C). Resolves when the CLI has exited.
 */
export async function faultedRun(h: SandboxHost, kind: FaultKind, trigger: () => string | null | undefined, args: string[] = [], env: Record<string, string> = {}): Promise<FaultedRun> {
  const t0 = Date.now();
  const child = startProvision(["--host", h.name, ...args], env);
  let exited = false;
  void child.finally(() => (exited = true));
  // The sshd processes of the CLI's connection, found once it is logged in, so the cut itself is one kill().
  let sessions: number[] = [];
  let fired = false;
  let firedAt = "";
  while (!exited && !fired) {
    if (kind === "cut" && sessions.length === 0 && commandLogSize(h) > 0) sessions = await sshdSessionPids(h);
    const what = trigger();
    if (what) {
      if (kind === "cut") {
        if (sessions.length === 0) sessions = await sshdSessionPids(h);
        for (const pid of sessions) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            /* gone */
          }
        }
      } else child.kill(kind === "kill" ? "SIGKILL" : "SIGINT");
      fired = true;
      firedAt = what;
      break;
    }
    await new Promise((r) => setTimeout(r, 3));
  }
  const r = await child;
  return {
    code: r.exitCode ?? -1,
    signal: r.signal ?? undefined,
    stdout: String(r.stdout ?? ""),
    stderr: String(r.stderr ?? ""),
    all: String(r.all ?? ""),
    fired,
    firedAt,
    ms: Date.now() - t0,
  };
}

/** Trigger: a new line of the host's command log (after byte `from`) matches `re`. */
export function onCommand(h: SandboxHost, re: RegExp): () => string | null {
  const from = commandLogSize(h);
  return () => commandLogFrom(h, from).split("\n").find((l) => re.test(l)) ?? null;
}

/** Trigger: the content of the host's `path` (a file already changed in the host) differs from `old`. */
export function onContentChange(h: SandboxHost, path: string): () => string | null {
  const file = upper(h, path);
  const old = readFileSync(file);
  return () => {
    try {
      const now = readFileSync(file);
      return now.equals(old) ? null : `${path} replaced`;
    } catch {
      return null;
    }
  };
}

/** Trigger: an upload into `dir` is in flight (a write's temporary file exists and has some bytes). */
export function onUploadInFlight(h: SandboxHost, dir: string, total: number): () => string | null {
  const d = upper(h, dir);
  return () => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return null;
    }
    for (const n of names) {
      if (!n.startsWith(".provision-tmp.")) continue;
      try {
        const size = statSync(join(d, n)).size;
        if (size > 0) return `${size} of ${total} bytes`;
      } catch {
        /* renamed or removed meanwhile */
      }
    }
    return null;
  };
}

/** Waits until `f` resolves true (polling), or throws after timeoutMs naming `what`. */
export async function until(what: string, f: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await f()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Units provision manages, in restart order. */
export const UNITS_IN_ORDER = UNIT_ORDER;
