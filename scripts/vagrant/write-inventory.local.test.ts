// writeVagrantInventory fed host keys made by the real OpenSSH ssh-keygen; the pure tests are in write-inventory.test.ts.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "dotenv";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkHostKey, parseKnownHosts } from "../../src/host/known-hosts.js";
import { loadInventory } from "../../src/inventory.js";
import type { VagrantSshConfig } from "./ssh-config.js";
import { writeVagrantInventory } from "./write-inventory.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vagrant-inv-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

function hostKey(): string {
  const f = join(dir, `hk${Math.random().toString(36).slice(2)}`);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "root@archlinux", "-f", f]);
  return readFileSync(`${f}.pub`, "utf8");
}

const CFG: VagrantSshConfig = {
  host: "127.0.0.1",
  port: 2222,
  user: "vagrant",
  identityFile: "/home/op/my project/vagrant/.vagrant/machines/default/virtualbox/private_key",
  identityFiles: ["/home/op/my project/vagrant/.vagrant/machines/default/virtualbox/private_key"],
};

describe("writeVagrantInventory", () => {
  it("writes env, known_hosts and a 0600 secrets file that loadInventory accepts", async () => {
    const key = hostKey();
    const inv = join(dir, "inventory");
    const out = await writeVagrantInventory(inv, CFG, key);
    expect(out.secretGenerated).toBe(true);
    expect(mode(out.secrets)).toBe(0o600);
    const secret = parse(readFileSync(out.secrets)).JWT_APP_SECRET!;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(out.env, "utf8")).not.toContain(secret);

    const kh = readFileSync(out.knownHosts, "utf8");
    const [type, b64] = key.split(" ") as [string, string];
    expect(kh).toBe(`[127.0.0.1]:2222 ${type} ${b64}\n`);

    const loaded = loadInventory("vagrant", { dir: inv, env: {} });
    expect(loaded.ssh).toMatchObject({ host: "127.0.0.1", port: 2222, user: "vagrant", key: CFG.identityFile, knownHosts: out.knownHosts });
    expect(loaded.jitsi.domain).toBe("meet.vagrant.test");
    expect(loaded.jwt).toMatchObject({ appId: "provision-vagrant", appSecret: secret });
    expect(checkHostKey(parseKnownHosts(kh), loaded.ssh.host, loaded.ssh.port, type, b64)).toBe("match");
  });

  it("keeps the secret across rebuilds while the rest is rewritten", async () => {
    const first = await writeVagrantInventory(dir, CFG, hostKey());
    const secret = parse(readFileSync(first.secrets)).JWT_APP_SECRET;
    const newKey = hostKey();
    const second = await writeVagrantInventory(dir, { ...CFG, host: "192.168.121.9", port: 22 }, newKey, { domain: "jitsi.lab.test" });
    expect(second.secretGenerated).toBe(false);
    expect(parse(readFileSync(second.secrets)).JWT_APP_SECRET).toBe(secret);
    expect(parse(readFileSync(second.env))).toMatchObject({ SSH_HOST: "192.168.121.9", SSH_PORT: "22", JITSI_DOMAIN: "jitsi.lab.test" });
    expect(readFileSync(second.knownHosts, "utf8")).toBe(`192.168.121.9 ${newKey.split(" ").slice(0, 2).join(" ")}\n`);
  });

  it("leaves the old files alone when the new values cannot be written", async () => {
    const first = await writeVagrantInventory(dir, CFG, hostKey());
    const before = readFileSync(first.env, "utf8");
    await expect(writeVagrantInventory(dir, CFG, hostKey(), { domain: "Bad Domain" })).rejects.toThrow(/not a lower-case host name/);
    await expect(writeVagrantInventory(dir, CFG, "not a key")).rejects.toThrow(/no SSH public key/);
    expect(readFileSync(first.env, "utf8")).toBe(before);
  });
});
