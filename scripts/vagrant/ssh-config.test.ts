import { describe, expect, it } from "vitest";
import { ProvisionError } from "../../src/errors.js";
import { parseSshConfig, pickIdentityFile, splitSshConfigWords } from "./ssh-config.js";

// As printed by Vagrant 2.3.4 (templates/commands/ssh_config/config.erb), libvirt provider.
const LIBVIRT = `Host default
  HostName 192.168.121.45
  User vagrant
  Port 22
  UserKnownHostsFile /dev/null
  StrictHostKeyChecking no
  PasswordAuthentication no
  IdentityFile /home/op/provision/vagrant/.vagrant/machines/default/libvirt/private_key
  IdentitiesOnly yes
  LogLevel FATAL

`;

// VirtualBox, a project path with spaces (quoted by Vagrant), Windows line endings.
const VBOX_WINDOWS = [
  "Host default",
  "  HostName 127.0.0.1",
  "  User vagrant",
  "  Port 2222",
  "  UserKnownHostsFile /dev/null",
  "  StrictHostKeyChecking no",
  "  PasswordAuthentication no",
  '  IdentityFile "C:/Users/Jane Doe/My Projects/provision/vagrant/.vagrant/machines/default/virtualbox/private_key"',
  "  IdentitiesOnly yes",
  "  LogLevel FATAL",
  "",
].join("\r\n");

// Before Vagrant swapped in its own key (config.ssh.insert_key = false): several insecure keys, one quoted.
const SEVERAL_KEYS = `Host default
  HostName 192.168.121.7
  User vagrant
  Port 22
  PasswordAuthentication no

  IdentityFile "/home/op/my keys/.vagrant.d/insecure_private_keys/vagrant.key.ed25519"

  IdentityFile /home/op/.vagrant.d/insecure_private_keys/vagrant.key.rsa
  IdentitiesOnly yes
  LogLevel FATAL
`;

function errorOf(fn: () => unknown): ProvisionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProvisionError) return e;
    throw e;
  }
  throw new Error("expected a ProvisionError");
}

describe("parseSshConfig", () => {
  it("reads the libvirt output", () => {
    expect(parseSshConfig(LIBVIRT)).toEqual({
      host: "192.168.121.45",
      port: 22,
      user: "vagrant",
      identityFile: "/home/op/provision/vagrant/.vagrant/machines/default/libvirt/private_key",
      identityFiles: ["/home/op/provision/vagrant/.vagrant/machines/default/libvirt/private_key"],
    });
  });

  it("reads CRLF output with a quoted path containing spaces", () => {
    const cfg = parseSshConfig(VBOX_WINDOWS);
    expect(cfg.host).toBe("127.0.0.1");
    expect(cfg.port).toBe(2222);
    expect(cfg.user).toBe("vagrant");
    expect(cfg.identityFile).toBe("C:/Users/Jane Doe/My Projects/provision/vagrant/.vagrant/machines/default/virtualbox/private_key");
    expect(cfg.identityFile).not.toMatch(/[\r"]/);
  });

  it("keeps every IdentityFile in order, blank lines between them", () => {
    const cfg = parseSshConfig(SEVERAL_KEYS);
    expect(cfg.identityFiles).toEqual([
      "/home/op/my keys/.vagrant.d/insecure_private_keys/vagrant.key.ed25519",
      "/home/op/.vagrant.d/insecure_private_keys/vagrant.key.rsa",
    ]);
    expect(cfg.identityFile).toBe(cfg.identityFiles[0]);
  });

  it("accepts Keyword=value, any keyword case, tabs, comments and noise before the Host line", () => {
    const text = "==> default: some plugin chatter\n# comment\nHost default\n\thostname=10.0.0.5\n\tUSER  arch\n\tport = 2200\n\tidentityfile '/k/id'\n";
    expect(parseSshConfig(text)).toMatchObject({ host: "10.0.0.5", user: "arch", port: 2200, identityFile: "/k/id" });
  });

  it("takes the first value of repeated options, as ssh does", () => {
    const text = LIBVIRT.replace("  Port 22\n", "  Port 22\n  Port 2222\n  User other\n");
    expect(parseSshConfig(text)).toMatchObject({ port: 22, user: "vagrant" });
  });

  it("picks the named machine among several Host blocks, and refuses to guess", () => {
    const two = LIBVIRT.replace("Host default", "Host web") + LIBVIRT.replace("Host default", "Host db").replace("192.168.121.45", "192.168.121.46");
    expect(parseSshConfig(two, "db").host).toBe("192.168.121.46");
    const e = errorOf(() => parseSshConfig(two));
    expect(e.message).toMatch(/no Host block for machine 'default' \(found: web, db\)/);
    // A single block is used whatever its name.
    expect(parseSshConfig(LIBVIRT.replace("Host default", "Host jitsi")).host).toBe("192.168.121.45");
  });

  it("names every missing field in one error, with the output and a fix", () => {
    const e = errorOf(() => parseSshConfig("Host default\n  HostName 192.168.121.45\n  LogLevel FATAL\n"));
    expect(e.message).toMatch(/User is missing; Port is missing; IdentityFile is missing/);
    expect(e.where).toBe("vagrant ssh-config");
    expect(e.lines).toContain("  HostName 192.168.121.45");
    expect(e.format()).toMatch(/Fix: .*vagrant status/);
    expect(errorOf(() => parseSshConfig(LIBVIRT.replace(/ {2}HostName.*\n/, ""))).message).toMatch(/HostName is missing/);
  });

  it("fails clearly on empty output and on bad ports", () => {
    expect(errorOf(() => parseSshConfig("")).message).toMatch(/no `Host` block/);
    expect(errorOf(() => parseSshConfig("The provider for this Vagrant-managed machine is reporting that it is not yet ready for SSH.\n")).message).toMatch(/no `Host` block/);
    expect(errorOf(() => parseSshConfig(LIBVIRT.replace("Port 22", "Port 70000"))).message).toMatch(/Port "70000" is not a port number/);
    expect(errorOf(() => parseSshConfig(LIBVIRT.replace("Port 22", "Port 2x"))).message).toMatch(/not a port number/);
  });

  it("refuses a ProxyCommand (node-ssh connects directly) and hints at Include", () => {
    const proxied = LIBVIRT.replace("  LogLevel FATAL", "  LogLevel FATAL\n  ProxyCommand ssh -W %h:%p libvirt-host");
    expect(errorOf(() => parseSshConfig(proxied)).message).toMatch(/ProxyCommand is set/);
    const inc = errorOf(() => parseSshConfig("Host default\n  Include /home/op/ssh.conf\n  HostName h\n"));
    expect(inc.message).toMatch(/Include/);
  });
});

describe("splitSshConfigWords", () => {
  it("splits like OpenSSH argv_split", () => {
    expect(splitSshConfigWords('"/a b/c" d')).toEqual(["/a b/c", "d"]);
    expect(splitSshConfigWords("'/a b' \"\"")).toEqual(["/a b", ""]);
    expect(splitSshConfigWords("/a\\ b")).toEqual(["/a b"]);
    expect(splitSshConfigWords('"say \\"hi\\""')).toEqual(['say "hi"']);
    expect(splitSshConfigWords('"C:\\Users\\a b\\key"')).toEqual(["C:\\Users\\a b\\key"]);
    expect(splitSshConfigWords("  x\t y  ")).toEqual(["x", "y"]);
  });

  it("refuses an unterminated quote", () => {
    expect(() => splitSshConfigWords('"/a b')).toThrow(/unterminated quote/);
  });
});

describe("pickIdentityFile", () => {
  it("takes the first existing key, else the first listed", () => {
    const cfg = parseSshConfig(SEVERAL_KEYS);
    const rsa = "/home/op/.vagrant.d/insecure_private_keys/vagrant.key.rsa";
    expect(pickIdentityFile(cfg, (p) => p === rsa)).toBe(rsa);
    expect(pickIdentityFile(cfg, () => true)).toBe(cfg.identityFiles[0]);
    expect(pickIdentityFile(cfg, () => false)).toBe(cfg.identityFiles[0]);
  });
});
