// Sandbox host lifecycle: up writes inventory + known_hosts, ssh works, down leaves nothing behind.
import { execFile } from "node:child_process";
import { access, readdir, readFile, stat } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { downHost, upHost } from "./host.js";
import { IPS_DIR } from "./paths.js";
import { mountsUnder, pidsOfHostDir } from "./procs.js";

const run = promisify(execFile);
const exists = (p: string) => access(p).then(() => true, () => false);

function ssh(ip: string, knownHosts: string, key: string, cmd: string) {
  return run("ssh", ["-o", "BatchMode=yes", "-o", `UserKnownHostsFile=${knownHosts}`, "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=5", "-i", key, `arch@${ip}`, cmd]).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe("sandbox host lifecycle", () => {
  afterAll(async () => {
    await downHost("life-a").catch(() => undefined);
    await downHost("life-b").catch(() => undefined);
  });

  it("comes up as an Arch-like host reachable over ssh with the recorded host key, and down removes everything", async () => {
    const h = await upHost("life-a");
    expect(h.ip).toMatch(/^127\.0\.0\.(\d+)$/);
    const env = await readFile(h.inventoryFile, "utf8");
    expect(env).toContain(`SSH_HOST=${h.ip}\n`);
    expect(env).toContain("SSH_USER=arch\n");
    expect(env).toContain(`SSH_KNOWN_HOSTS=${h.knownHostsFile}\n`);
    expect(env).toContain("JITSI_DOMAIN=life-a.sandbox.test\n");
    const secrets = h.inventoryFile.replace(/\.env$/, ".secrets.env");
    expect((await stat(secrets)).mode & 0o777).toBe(0o600);
    expect(await readFile(secrets, "utf8")).toMatch(/^JWT_APP_SECRET=[A-Za-z0-9_-]{48}\n$/);

    const r = await ssh(h.ip, h.knownHostsFile, h.keyFile, "id -un; hostname; . /etc/os-release; echo $ID; getent hosts guest.life-a.sandbox.test; sudo -n id -u; ps -e --no-headers | wc -l");
    expect(r.code).toBe(0);
    const [user, hostname, id, hostsLine, sudoUid] = r.stdout.split("\n");
    expect([user, hostname, id, sudoUid]).toEqual(["arch", "life-a", "arch", "0"]);
    expect(hostsLine).toContain(h.ip);

    const dir = h.dir;
    expect((await pidsOfHostDir(dir)).length).toBeGreaterThan(0);
    await h.down();
    expect(await pidsOfHostDir(dir)).toEqual([]);
    expect(await mountsUnder(dir)).toEqual([]);
    expect(await exists(dir)).toBe(false);
    expect(await exists(h.inventoryFile)).toBe(false);
    expect(await exists(secrets)).toBe(false);
    expect(await readdir(IPS_DIR)).not.toContain(h.ip.split(".")[3]);
    // sshd is gone: nothing listens any more.
    const again = await ssh(h.ip, "/dev/null", h.keyFile, "true");
    expect(again.code).not.toBe(0);
  });

  it("with knownHosts: false the host key is not recorded, so strict ssh refuses", async () => {
    const h = await upHost("life-b", { knownHosts: false });
    expect(await readFile(h.knownHostsFile, "utf8")).toBe("");
    const r = await ssh(h.ip, h.knownHostsFile, h.keyFile, "true");
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/Host key verification failed/);
    await h.down();
  });

  it("refuses a bad name and a second host of the same name", async () => {
    await expect(upHost("Bad_Name")).rejects.toThrow(/invalid host name/);
    const h = await upHost("life-a");
    await expect(upHost("life-a")).rejects.toThrow(/already exists/);
    await h.down();
  });

  it("down of a host that never came up is a no-op", async () => {
    await expect(downHost("never-up")).resolves.toBeUndefined();
  });
});
