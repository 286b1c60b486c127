// Brings sandbox hosts up and down: an Arch-like host (sshd + stand-ins) in private namespaces on 127.0.0.N.
import { execFile, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { access, readdir, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { claimHostDir, claimIp, ipsClaimedBy, releaseIp, validateName } from "./alloc.js";
import { ensureClientKey } from "./keys.js";
import { inventoryFiles, removeInventory, writeInventory } from "./inventory.js";
import { CLIENT_KEY, HOSTS_DIR, INIT_SCRIPT, INVENTORY_DIR, IPS_DIR, REPO, hostDir } from "./paths.js";
import { alive, firstChild, killAndWait, mountsUnder, pidsOfHostDir } from "./procs.js";
import { ensureSetup } from "./setup.js";

const run = promisify(execFile);

export type HostState = "fresh" | "jitsi-installed" | "bridge";

export interface UpOptions {
  /** fresh = bare Arch; jitsi-installed = Jitsi packages installed, nothing configured; bridge = only jitsi-videobridge. */
  state?: HostState;
  /** false: do not record the host key (for tests of unknown-host refusal). Default true. */
  knownHosts?: boolean;
  /** How long to wait for sshd (default 60 s). */
  timeoutMs?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface SandboxHost {
  name: string;
  ip: string;
  /** State directory <sandbox dir>/hosts/<name> (see paths.ts). */
  dir: string;
  /** <INVENTORY_DIR>/<name>.env: the sandbox's own inventory directory (paths.ts), not the repository's. */
  inventoryFile: string;
  /** The directory holding inventoryFile: pass it to provision as --inventory or PROVISION_INVENTORY_DIR. */
  inventoryDir: string;
  /** Known-hosts file holding this host's key (empty when up ran with knownHosts: false). */
  knownHostsFile: string;
  /** Client private key (shared by all hosts). */
  keyFile: string;
  /** Host-side pid of the namespace's PID 1. */
  pid: number;
  /** Runs a bash command as root inside the host's namespaces. */
  exec(cmd: string, opts?: { timeoutMs?: number; stdin?: string }): Promise<ExecResult>;
  /** Lines of /var/log/sandbox/commands.log ("<tool>(<user>) <args>"). */
  commandLog(): Promise<string[]>;
  /** Empties the command log. */
  clearCommandLog(): Promise<void>;
  /** Same as downHost(name). */
  down(): Promise<string[]>;
}

const HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * Runs a bash command as root inside the namespaces of the process `pid`. `--norc`: with its stdin a socket (node's
 * pipes are socketpairs) bash takes itself for a remote shell and sources ~/.bashrc, the machine's /root/.bashrc
 * seen through the host's overlay (0.7 s with a pyenv setup, on every call).
 */
export function execIn(pid: number, cmd: string, opts: { timeoutMs?: number; stdin?: string } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "nsenter",
      ["-t", String(pid), "-m", "-u", "-p", "--wd=/", "--", "env", "-i", `PATH=${HOST_PATH}`, "HOME=/root", "USER=root", "LOGNAME=root", "LANG=C.UTF-8", "bash", "--norc", "-c", cmd],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout, stderr });
    });
    // A command that exits without reading its input must not make the write fail with an unhandled EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.stdin ?? "");
  });
}

function makeHost(name: string, ip: string, pid: number): SandboxHost {
  const dir = hostDir(name);
  return {
    name,
    ip,
    dir,
    pid,
    inventoryFile: inventoryFiles(name).env,
    inventoryDir: INVENTORY_DIR,
    knownHostsFile: join(dir, "known_hosts"),
    keyFile: CLIENT_KEY,
    exec: (cmd, opts) => execIn(pid, cmd, opts),
    async commandLog() {
      const r = await execIn(pid, "cat /var/log/sandbox/commands.log");
      if (r.code !== 0) throw new Error(`sandbox ${name}: cannot read the command log: ${r.stderr}`);
      return r.stdout.split("\n").filter((l) => l !== "");
    },
    async clearCommandLog() {
      const r = await execIn(pid, ": > /var/log/sandbox/commands.log");
      if (r.code !== 0) throw new Error(`sandbox ${name}: cannot clear the command log: ${r.stderr}`);
    },
    down: () => downHost(name),
  };
}

function tcpOpen(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port });
    s.setTimeout(500);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
    s.once("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });
}

async function tail(file: string, lines = 30): Promise<string> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

/** Brings up a sandbox host and writes its inventory; on failure everything is torn down again. */
export async function upHost(name: string, opts: UpOptions = {}): Promise<SandboxHost> {
  validateName(name);
  await ensureSetup();
  const pub = await ensureClientKey();
  const dir = await claimHostDir(name);
  try {
    const ip = await claimIp(name);
    await writeFile(join(dir, "ip"), ip + "\n");
    await writeFile(join(dir, "client.pub"), pub);
    const state = opts.state ?? "fresh";
    const logFd = openSync(join(dir, "init.log"), "a");
    let exited: string | null = null;
    const child = spawn(
      "unshare",
      ["--mount", "--uts", "--pid", "--fork", "--kill-child", "--mount-proc", "--propagation", "private", "bash", INIT_SCRIPT],
      {
        detached: true,
        stdio: ["ignore", logFd, logFd],
        env: {
          PATH: HOST_PATH,
          LANG: "C.UTF-8",
          SANDBOX_HOSTDIR: dir,
          SANDBOX_IP: ip,
          SANDBOX_NAME: name,
          SANDBOX_REPO: REPO,
          SANDBOX_CLIENT_PUB: join(dir, "client.pub"),
          SANDBOX_STATE: state,
        },
      },
    );
    closeSync(logFd);
    child.on("exit", (code, signal) => (exited = `exit code ${code ?? "-"}${signal ? ` signal ${signal}` : ""}`));
    child.unref();
    if (!child.pid) throw new Error("sandbox: could not start unshare");
    await writeFile(join(dir, "unshare.pid"), `${child.pid}\n`);

    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    for (;;) {
      if (exited) throw new Error(`sandbox ${name}: host init stopped (${exited}); init.log:\n${await tail(join(dir, "init.log"))}`);
      const booted = await access(join(dir, "booted")).then(() => true, () => false);
      if (booted && (await tcpOpen(ip, 22))) break;
      if (Date.now() > deadline) throw new Error(`sandbox ${name}: sshd not ready on ${ip}:22 in time; init.log:\n${await tail(join(dir, "init.log"))}`);
      await new Promise((r) => setTimeout(r, 30));
    }
    const pid = await firstChild(child.pid);
    if (!pid) throw new Error(`sandbox ${name}: cannot find the namespace's init process`);
    await writeFile(join(dir, "pid"), `${pid}\n`);

    const hostKey = (await readFile(join(dir, "host_key.pub"), "utf8")).trim().split(/\s+/).slice(0, 2).join(" ");
    const knownHostsFile = join(dir, "known_hosts");
    await writeFile(knownHostsFile, opts.knownHosts === false ? "" : `${ip} ${hostKey}\n`);
    await writeInventory(name, ip, knownHostsFile);
    return makeHost(name, ip, pid);
  } catch (e) {
    await downHost(name).catch(() => undefined);
    throw e;
  }
}

/** Returns a handle on a running host (brought up earlier, maybe by another process). */
export async function getHost(name: string): Promise<SandboxHost> {
  validateName(name);
  const dir = hostDir(name);
  const ip = (await readFile(join(dir, "ip"), "utf8").catch(() => "")).trim();
  const pid = Number((await readFile(join(dir, "pid"), "utf8").catch(() => "")).trim());
  if (!ip || !pid || !(await alive(pid))) throw new Error(`sandbox: host ${name} is not running (npm run sandbox -- up ${name})`);
  return makeHost(name, ip, pid);
}

/**
 * Stops a host (every process in its namespaces) and removes its state dir, address and the inventory files it
 * wrote (only those, and only while unchanged: see inventory.ts); returns the inventory files kept because they
 * changed since.
 */
export async function downHost(name: string): Promise<string[]> {
  validateName(name);
  const dir = hostDir(name);
  const survivors = await killAndWait(await pidsOfHostDir(dir));
  if (survivors.length) throw new Error(`sandbox ${name}: processes ${survivors.join(", ")} did not die; state left in ${dir}`);
  const mounts = await mountsUnder(dir);
  if (mounts.length) throw new Error(`sandbox ${name}: mounts still present under ${dir}: ${mounts.join(", ")}; not deleting`);
  const ip = (await readFile(join(dir, "ip"), "utf8").catch(() => "")).trim();
  // Before the state dir goes: it holds the record of what the sandbox wrote.
  const kept = await removeInventory(name);
  await run("rm", ["-rf", "--one-file-system", "--", dir]);
  const claimed = await readdir(IPS_DIR).catch(() => [] as string[]);
  for (const addr of new Set([...(ip ? [ip] : []), ...(await ipsClaimedBy(name, claimed))])) await releaseIp(addr);
  return kept;
}

/** Names of the hosts that have state (running or not). */
export async function listHosts(): Promise<{ name: string; ip: string; running: boolean }[]> {
  const names = await readdir(HOSTS_DIR).catch(() => [] as string[]);
  const out = [];
  for (const name of names.sort()) {
    const dir = hostDir(name);
    const ip = (await readFile(join(dir, "ip"), "utf8").catch(() => "")).trim();
    const pid = Number((await readFile(join(dir, "pid"), "utf8").catch(() => "")).trim());
    out.push({ name, ip, running: pid > 0 && (await alive(pid)) });
  }
  return out;
}

/** Brings down every host with state, and releases addresses left by interrupted runs; returns inventory files kept. */
export async function downAll(): Promise<string[]> {
  const hosts = await listHosts();
  const kept = (await Promise.all(hosts.map((h) => downHost(h.name)))).flat();
  const claimed = await readdir(IPS_DIR).catch(() => [] as string[]);
  for (const n of claimed) {
    const owner = (await readFile(join(IPS_DIR, n, "name"), "utf8").catch(() => "")).trim();
    const stillUsed = owner && (await access(hostDir(owner)).then(() => true, () => false));
    if (!stillUsed) await releaseIp(`127.0.0.${n}`);
  }
  return kept;
}
