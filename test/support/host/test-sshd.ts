// Test helper (root only): a throwaway OpenSSH server on 127.0.0.2 with its own host key, config and log.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestSshd {
  dir: string;
  address: string;
  port: number;
  logFile: string;
  /** Client private key accepted for every user listed in `users`. */
  clientKey: string;
  /** The server's current public host key line ("ssh-ed25519 AAAA…"). */
  hostPublicKey(): string;
  /** Replace the host key with a fresh one and restart (a "reinstalled" host). */
  regenerateHostKey(): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** Start sshd -D on 127.0.0.2:<random port>, authorising one fresh client key for `users`. */
export async function startTestSshd(users: string[], extraConfig = ""): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), "provision-sshd-"));
  chmodSync(dir, 0o755); // sshd reads authorized_keys as the target user
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const hostKey = join(dir, "ssh_host_ed25519_key");
  const clientKey = join(dir, "client_key");
  sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "provision-test-host", "-f", hostKey]);
  sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "provision-test-client", "-f", clientKey]);
  const akDir = join(dir, "authorized_keys");
  mkdirSync(akDir, { mode: 0o755 });
  chmodSync(akDir, 0o755);
  const pub = readFileSync(clientKey + ".pub", "utf8");
  for (const u of users) writeFileSync(join(akDir, u), pub, { mode: 0o644 });
  const logFile = join(dir, "sshd.log");
  const address = "127.0.0.2";
  let child: ChildProcess | undefined;
  let port = 0;

  const start = async (): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const p = port || 20000 + Math.floor(Math.random() * 40000);
      const config = [
        `ListenAddress ${address}:${p}`,
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${akDir}/%u`,
        "StrictModes no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "PermitRootLogin prohibit-password",
        /^LogLevel /m.test(extraConfig) ? "" : "LogLevel VERBOSE",
        extraConfig,
      ].join("\n");
      writeFileSync(join(dir, "sshd_config"), config + "\n");
      const logStart = existsSync(logFile) ? readFileSync(logFile).length : 0;
      const c = spawn("/usr/sbin/sshd", ["-D", "-E", logFile, "-f", join(dir, "sshd_config")], { stdio: "ignore" });
      const exited = new Promise<number>((r) => c.once("exit", (code) => r(code ?? -1)));
      const ok = await Promise.race([
        (async () => {
          for (let i = 0; i < 100; i++) {
            if (existsSync(logFile) && readFileSync(logFile).subarray(logStart).toString("utf8").includes(`Server listening on ${address} port ${p}`)) return true;
            await new Promise((r) => setTimeout(r, 50));
          }
          return false;
        })(),
        exited.then(() => false),
      ]);
      if (ok) {
        child = c;
        port = p;
        return;
      }
      c.kill("SIGKILL");
      if (port) throw new Error(`sshd did not restart on port ${port}: ${readFileSync(logFile, "utf8").slice(-500)}`);
    }
    throw new Error(`sshd did not start: ${existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-500) : "no log"}`);
  };

  const stopChild = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once("exit", r));
    c.kill("SIGTERM");
    await Promise.race([gone, new Promise((r) => setTimeout(r, 2000))]);
    if (c.exitCode === null) c.kill("SIGKILL");
  };

  await start();
  return {
    dir,
    address,
    get port() {
      return port;
    },
    logFile,
    clientKey,
    hostPublicKey: () => readFileSync(hostKey + ".pub", "utf8").split(" ").slice(0, 2).join(" "),
    async regenerateHostKey() {
      await stopChild();
      rmSync(hostKey, { force: true });
      rmSync(hostKey + ".pub", { force: true });
      sh("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "provision-test-host-2", "-f", hostKey]);
      await start();
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Create a local user with a usable (non-locked) account for key login; replaces a stale one. */
export function createTestUser(name: string, opts: { sudo: boolean }): void {
  removeTestUser(name);
  sh("useradd", ["-m", "-s", "/bin/sh", name]);
  sh("usermod", ["-p", "*", name]); // "!" (locked) makes sshd refuse key logins when UsePAM is off
  if (opts.sudo) {
    writeFileSync(`/etc/sudoers.d/90-${name}`, `${name} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
  }
}

/** Remove a user created by createTestUser, with its home and sudoers line. */
export function removeTestUser(name: string): void {
  rmSync(`/etc/sudoers.d/90-${name}`, { force: true });
  if (spawnSync("id", [name]).status === 0) {
    spawnSync("userdel", ["-f", "-r", name], { stdio: "ignore" });
  }
}
