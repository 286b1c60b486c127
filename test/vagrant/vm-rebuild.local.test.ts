// scripts/vm-rebuild.ts run for real, up to the VM: a fake `vagrant` first on PATH and a fake provision (PROVISION_BIN).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "dotenv";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const SCRIPT = join(ROOT, "scripts", "vm-rebuild.ts");
const US = "\x1f";

// Logs one line per call: cwd, VAGRANT_CHECKPOINT_DISABLE, PROVISION_VM_HOSTNAME, VAGRANT_DEFAULT_PROVIDER, argv (unit-separated).
const FAKE_VAGRANT = `#!/bin/bash
{ printf '%s\\x1e' "$PWD" "\${VAGRANT_CHECKPOINT_DISABLE-}" "\${PROVISION_VM_HOSTNAME-}" "\${VAGRANT_DEFAULT_PROVIDER-}"; printf '%s\\x1f' "$@"; printf '\\n'; } >> "$FAKE_DIR/vagrant.log"
case "$1" in
  destroy) echo "==> default: Destroying VM and associated drives...";;
  up)
    if [ -n "\${FAKE_UP_FAIL-}" ]; then echo "The provider 'libvirt' could not be found" >&2; exit 1; fi
    echo "Bringing machine 'default' up with 'libvirt' provider...";;
  ssh-config) cat "$FAKE_DIR/ssh-config";;
  ssh) printf '%s\\r\\n' "$(cat "$FAKE_DIR/host_key.pub")"; echo "Connection to 127.0.0.1 closed." >&2;;
  *) echo "fake vagrant: unexpected $*" >&2; exit 64;;
esac
`;

// Records its argv and inventory dir, checks the inventory exists when it runs, exits with FAKE_PROVISION_EXIT.
const FAKE_PROVISION = `#!/bin/bash
{ printf '%s\\x1f' "$@"; printf '\\n%s\\n' "$PROVISION_INVENTORY_DIR"; } > "$FAKE_DIR/provision.log"
test -s "$PROVISION_INVENTORY_DIR/vagrant.env" && test -s "$PROVISION_INVENTORY_DIR/vagrant.known_hosts" && echo "fake provision: inventory present"
echo "fake provision: 12 checks passed"
exit "\${FAKE_PROVISION_EXIT:-0}"
`;

let tmp: string;
let fake: string;
let bin: string;
let inv: string;
let home: string;
let keyFile: string;
let hostKey: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "vm-rebuild-"));
  fake = join(tmp, "fake");
  bin = join(tmp, "bin");
  inv = join(tmp, "my inventory");
  home = join(tmp, "home");
  for (const d of [fake, bin, home]) mkdirSync(d);
  writeFileSync(join(bin, "vagrant"), FAKE_VAGRANT, { mode: 0o755 });
  writeFileSync(join(fake, "provision"), FAKE_PROVISION, { mode: 0o755 });
  // The machine's private key, in a directory whose name has a space (Vagrant quotes such paths).
  mkdirSync(join(tmp, "my project"));
  keyFile = join(tmp, "my project", "private_key");
  writeFileSync(keyFile, "not really a key\n", { mode: 0o600 });
  writeFileSync(
    join(fake, "ssh-config"),
    `Host default\n  HostName 127.0.0.1\n  User vagrant\n  Port 2222\n  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking no\n  PasswordAuthentication no\n  IdentityFile "${keyFile}"\n  IdentitiesOnly yes\n  LogLevel FATAL\n\n`,
  );
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "root@archlinux", "-f", join(fake, "host_key")]);
  hostKey = readFileSync(join(fake, "host_key.pub"), "utf8").trim();
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rebuild(args: string[], env: Record<string, string> = {}, path = `${bin}:${process.env.PATH}`): Run {
  const r = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
    env: {
      HOME: home,
      PATH: path,
      FAKE_DIR: fake,
      PROVISION_BIN: join(fake, "provision"),
      PROVISION_INVENTORY_DIR: inv,
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface VagrantCall {
  cwd: string;
  checkpointDisabled: string;
  hostname: string;
  defaultProvider: string;
  argv: string[];
}

function vagrantCalls(): VagrantCall[] {
  const file = join(fake, "vagrant.log");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [cwd, checkpointDisabled, hostname, defaultProvider, args] = l.split("\x1e") as [string, string, string, string, string];
      return { cwd, checkpointDisabled, hostname, defaultProvider, argv: args.split(US).slice(0, -1) };
    });
}

const HOST_KEY_ARGV = ["ssh", "--no-tty", "-c", "cat /etc/ssh/ssh_host_ed25519_key.pub"];

describe("npm run vm:rebuild (up to the VM)", { timeout: 60_000 }, () => {
  it("destroys, boots, writes the inventory, runs provision and exits with its code", () => {
    const r = rebuild(["--provider", "libvirt", "--domain", "jitsi.lab.test", "--", "--verbose"], { FAKE_PROVISION_EXIT: "3" });
    expect(r.code, r.stderr).toBe(3);

    const calls = vagrantCalls();
    expect(calls.map((c) => c.argv)).toEqual([["destroy", "-f"], ["up", "--provider", "libvirt"], ["ssh-config"], HOST_KEY_ARGV]);
    for (const c of calls) {
      expect(c.cwd).toBe(join(ROOT, "vagrant"));
      expect(c.checkpointDisabled).toBe("1");
      expect(c.hostname).toBe("jitsi.lab.test");
      expect(c.defaultProvider).toBe("libvirt");
    }

    const env = parse(readFileSync(join(inv, "vagrant.env")));
    expect(env).toEqual({
      SSH_HOST: "127.0.0.1",
      SSH_PORT: "2222",
      SSH_USER: "vagrant",
      SSH_KEY: keyFile,
      SSH_KNOWN_HOSTS: join(inv, "vagrant.known_hosts"),
      JITSI_DOMAIN: "jitsi.lab.test",
      JWT_APP_ID: "provision-vagrant",
    });
    const [type, b64] = hostKey.split(" ");
    expect(readFileSync(join(inv, "vagrant.known_hosts"), "utf8")).toBe(`[127.0.0.1]:2222 ${type} ${b64}\n`);
    const secrets = join(inv, "vagrant.secrets.env");
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    const secret = parse(readFileSync(secrets)).JWT_APP_SECRET!;
    expect(secret.length).toBeGreaterThanOrEqual(32);

    const [argvLine, invLine] = readFileSync(join(fake, "provision.log"), "utf8").split("\n");
    expect(argvLine!.split(US).slice(0, -1)).toEqual(["--host", "vagrant", "--verbose"]);
    expect(invLine).toBe(inv);
    // provision's output is streamed through; the secret appears nowhere.
    expect(r.stdout).toContain("fake provision: inventory present");
    expect(r.stdout).toContain("fake provision: 12 checks passed");
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stderr).toContain("JWT secret generated into");
    // The operator's own known_hosts is never touched.
    expect(existsSync(join(home, ".ssh"))).toBe(false);
  });

  it("--keep skips destroy, takes VAGRANT_DEFAULT_PROVIDER, keeps the secret and exits 0", () => {
    expect(rebuild([]).code).toBe(0);
    const secret = parse(readFileSync(join(inv, "vagrant.secrets.env"))).JWT_APP_SECRET;
    rmSync(join(fake, "vagrant.log"));

    const r = rebuild(["--keep"], { VAGRANT_DEFAULT_PROVIDER: "virtualbox" });
    expect(r.code, r.stderr).toBe(0);
    expect(vagrantCalls().map((c) => c.argv)).toEqual([["up", "--provider", "virtualbox"], ["ssh-config"], HOST_KEY_ARGV]);
    expect(parse(readFileSync(join(inv, "vagrant.secrets.env"))).JWT_APP_SECRET).toBe(secret);
    expect(r.stderr).toContain("JWT secret kept in");
    expect(parse(readFileSync(join(inv, "vagrant.env"))).JITSI_DOMAIN).toBe("meet.vagrant.test");
  });

  it("without a provider lets Vagrant choose", () => {
    expect(rebuild([]).code).toBe(0);
    const calls = vagrantCalls();
    expect(calls[1]!.argv).toEqual(["up"]);
    expect(calls.every((c) => c.defaultProvider === "")).toBe(true);
  });

  it("stops at a failing vagrant up with vagrant's error, before provision and the inventory", () => {
    const r = rebuild(["--provider", "libvirt"], { FAKE_UP_FAIL: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/`vagrant up --provider libvirt` failed \(exit 1\)/);
    expect(r.stderr).toMatch(/Fix: /);
    expect(vagrantCalls().map((c) => c.argv[0])).toEqual(["destroy", "up"]);
    expect(existsSync(join(fake, "provision.log"))).toBe(false);
    expect(existsSync(inv)).toBe(false);
  });

  it("names what to install when vagrant is missing, and runs nothing", () => {
    const bare = join(tmp, "bare");
    mkdirSync(bare);
    symlinkSync(execFileSync("bash", ["-c", "command -v bash"], { encoding: "utf8" }).trim(), join(bare, "bash"));
    const r = rebuild([], {}, bare);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("vagrant is not installed");
    expect(r.stderr).toMatch(/Fix: install Vagrant .*libvirt.*VirtualBox/);
    expect(existsSync(inv)).toBe(false);
  });

  it("--help prints the flags and runs nothing; a bad flag is a usage error (exit 2)", () => {
    const help = rebuild(["--help"]);
    expect(help.code).toBe(0);
    for (const f of ["--provider", "--domain", "--keep"]) expect(help.stdout).toContain(f);
    const bad = rebuild(["--provider", "docker"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--provider "docker" is not supported/);
    expect(vagrantCalls()).toEqual([]);
  });

  it("fails clearly when the host key cannot be read", () => {
    writeFileSync(join(fake, "host_key.pub"), "cat: /etc/ssh/ssh_host_ed25519_key.pub: No such file or directory");
    const r = rebuild([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no SSH public key in the output/);
    expect(existsSync(join(fake, "provision.log"))).toBe(false);
  });
});
