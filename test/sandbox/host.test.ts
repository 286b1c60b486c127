// Sandbox host lifecycle: up writes inventory + known_hosts, ssh works, down leaves nothing behind (but never an
// operator's file: the sandbox's inventories live in its own directory and only its own unchanged files are removed).
import { execFile } from "node:child_process";
import { access, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { downHost, upHost } from "./host.js";
import { INVENTORY_DIR, IPS_DIR, REPO } from "./paths.js";
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
    for (const n of ["life-c", "life-d", "life-e"]) await downHost(n).catch(() => undefined);
    for (const f of operatorFiles) await rm(f, { force: true });
  });
  const operatorFiles: string[] = [];

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

  it("never touches the repository's inventory/: an operator's NAME.env and NAME.secrets.env survive up and down", async () => {
    const repoInv = join(REPO, "inventory");
    const env = join(repoInv, "life-c.env");
    const secrets = join(repoInv, "life-c.secrets.env");
    await writeFile(env, "# an operator's own host\nSSH_USER=ops\nJWT_APP_ID=real\n");
    await writeFile(secrets, "JWT_APP_SECRET=operator-secret-that-must-survive-0123456789\n", { mode: 0o600 });
    operatorFiles.push(env, secrets);
    const before = [await readFile(env, "utf8"), await readFile(secrets, "utf8")];
    const h = await upHost("life-c");
    expect([await readFile(env, "utf8"), await readFile(secrets, "utf8")]).toEqual(before);
    await h.down();
    expect([await readFile(env, "utf8"), await readFile(secrets, "utf8")]).toEqual(before);
    expect(h.inventoryDir).toBe(INVENTORY_DIR);
    expect(h.inventoryFile).toBe(join(INVENTORY_DIR, "life-c.env"));
    expect(await exists(h.inventoryFile)).toBe(false);
  });

  it("up refuses to overwrite an inventory file it did not write, and down leaves it (and one edited since) in place", async () => {
    await mkdir(INVENTORY_DIR, { recursive: true });
    const foreign = join(INVENTORY_DIR, "life-d.secrets.env");
    await writeFile(foreign, "JWT_APP_SECRET=not-the-sandboxes-0123456789abcdefghijkl\n", { mode: 0o600 });
    operatorFiles.push(foreign);
    await expect(upHost("life-d")).rejects.toThrow(/life-d\.secrets\.env already exists and this host did not write it; not overwriting it/);
    expect(await readFile(foreign, "utf8")).toBe("JWT_APP_SECRET=not-the-sandboxes-0123456789abcdefghijkl\n");
    expect(await exists(join(INVENTORY_DIR, "life-d.env"))).toBe(false);

    // A file the sandbox wrote but someone changed since is no longer the sandbox's: down keeps it and says so.
    const h = await upHost("life-e");
    await writeFile(h.inventoryFile, (await readFile(h.inventoryFile, "utf8")) + "# my note\n");
    operatorFiles.push(h.inventoryFile);
    const secretsFile = h.inventoryFile.replace(/\.env$/, ".secrets.env");
    expect(await h.down()).toEqual([h.inventoryFile]);
    expect(await readFile(h.inventoryFile, "utf8")).toMatch(/# my note\n$/);
    expect(await exists(secretsFile)).toBe(false);
  });

  it("down of a host that never came up is a no-op", async () => {
    await expect(downHost("never-up")).resolves.toEqual([]);
  });
});
