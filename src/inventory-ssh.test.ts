// The inventory's SSH keys with an OpenSSH client config: aliases, jump hosts, and where a bad value came from.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadInventory } from "./inventory.js";
import { usageErrorOf } from "../test/support/errors.js";

const SECRETS = "JWT_APP_SECRET=s3cr3t-0123456789-abcdefghij-KLMNOPQRSTUV\n";

function inventory(hostEnv: string, sshConfig?: string): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), "inv-ssh-"));
  writeFileSync(join(dir, "meet.env"), `JWT_APP_ID=app\n${hostEnv}`);
  writeFileSync(join(dir, "meet.secrets.env"), SECRETS, { mode: 0o600 });
  const config = join(dir, "ssh_config");
  if (sshConfig !== undefined) writeFileSync(config, sshConfig);
  return { dir, config };
}

const fail = usageErrorOf;

describe("inventory SSH keys and the SSH config", () => {
  it("an alias in the SSH config gives the address, user, port, key and jump host; the jump host is resolved through it too", () => {
    const { dir } = inventory("SSH_CONFIG=ssh_config\n", [
      "Host meet",
      "  HostName meet.example.org",
      "  User arch",
      "  Port 2222",
      "  IdentityFile /keys/meet",
      "  ProxyJump ops@bastion",
      "Host bastion",
      "  HostName 192.0.2.10",
      "  IdentityFile /keys/bastion",
    ].join("\n"));
    const inv = loadInventory("meet", { dir, env: {} });
    expect(inv.ssh).toMatchObject({ host: "meet.example.org", user: "arch", port: 2222, key: "/keys/meet" });
    expect(inv.ssh.jump).toEqual([{ host: "192.0.2.10", port: 22, user: "ops", key: "/keys/bastion" }]);
  });

  it("SSH_PROXY_JUMP in the inventory: hops without user@ log in as the local user, with SSH_KEY", () => {
    const { dir } = inventory("SSH_USER=arch\nSSH_KEY=/keys/k\nSSH_PROXY_JUMP=b1:2201,ops@b2\nSSH_CONFIG=none\n");
    expect(loadInventory("meet", { dir, env: {} }).ssh.jump).toEqual([
      { host: "b1", port: 2201, user: userInfo().username, key: "/keys/k" },
      { host: "b2", port: 22, user: "ops", key: "/keys/k" },
    ]);
  });

  it("a bad SSH_PROXY_JUMP is refused with the format; a misspelt key gets a did-you-mean", () => {
    const { dir } = inventory("SSH_USER=arch\nSSH_PROXY_JUMP=ops@:22\nSSH_PROXYJUMP=b\nSSH_CONFIG=none\n");
    const e = fail(() => loadInventory("meet", { dir, env: {} }));
    const text = e.format();
    expect(text).toContain("SSH_PROXY_JUMP: 'ops@:22' is not [user@]host[:port]: write [user@]host[:port], several comma-separated for a chain (as ssh -J), or none");
    expect(text).toContain("SSH_PROXYJUMP (");
    expect(text).toContain("did you mean SSH_PROXY_JUMP?");
  });

  it("a bad value from the SSH config is blamed on its file and line", () => {
    const { dir, config } = inventory("SSH_CONFIG=ssh_config\n", "Host *\n  User root\n");
    const e = fail(() => loadInventory("meet", { dir, env: {} }));
    expect(e.format()).toContain(`SSH_USER (from the User at ${config}:2): must not be root`);
  });

  it("ProxyCommand, a jump host's own ProxyJump and a missing SSH_CONFIG file are refused before connecting", () => {
    const a = inventory("SSH_USER=arch\nSSH_CONFIG=ssh_config\n", "Host meet\n  ProxyCommand nc %h %p\n");
    expect(fail(() => loadInventory("meet", { dir: a.dir, env: {} })).format()).toContain(`ProxyCommand at ${a.config}:2: ProxyCommand is not supported`);
    const b = inventory("SSH_USER=arch\nSSH_CONFIG=ssh_config\nSSH_PROXY_JUMP=b2\n", "Host b2\n  ProxyJump b1\n");
    expect(fail(() => loadInventory("meet", { dir: b.dir, env: {} })).format()).toContain("SSH_PROXY_JUMP: the jump host b2 has its own ProxyJump");
    const c = inventory("SSH_USER=arch\nSSH_CONFIG=nowhere\n");
    expect(fail(() => loadInventory("meet", { dir: c.dir, env: {} })).format()).toContain(`SSH_CONFIG: ${join(c.dir, "nowhere")} does not exist`);
  });

  it("without SSH_CONFIG, ~/.ssh/config of $HOME is read", () => {
    const { dir } = inventory("SSH_USER=arch\n");
    const home = mkdtempSync(join(tmpdir(), "home-"));
    mkdirSync(join(home, ".ssh"));
    writeFileSync(join(home, ".ssh", "config"), "Host meet\n  HostName 198.51.100.7\n");
    expect(loadInventory("meet", { dir, env: { HOME: home } }).ssh.host).toBe("198.51.100.7");
    expect(loadInventory("meet", { dir, env: { HOME: home, SSH_CONFIG: "none" } }).ssh.host).toBe("meet");
  });
});
