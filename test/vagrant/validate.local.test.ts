// vagrant/Vagrantfile checked by Vagrant itself (`vagrant validate`; no box download, no provider needed).
// Needs the `vagrant` command: test/vagrant/install.sh installs Debian's package.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const VAGRANT_DIR = resolve(fileURLToPath(new URL("../../vagrant", import.meta.url)));
const VAGRANTFILE = join(VAGRANT_DIR, "Vagrantfile");

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "vagrant-validate-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Run `vagrant validate --ignore-provider` in dir with a throwaway HOME and dotfile dir. */
function validate(dir: string, env: Record<string, string> = {}): { code: number | null; out: string } {
  const r = spawnSync("vagrant", ["validate", "--ignore-provider"], {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      HOME: join(tmp, "home"),
      VAGRANT_CHECKPOINT_DISABLE: "1",
      // Keep Vagrant's machine state out of the repository's vagrant/.vagrant.
      VAGRANT_DOTFILE_PATH: join(tmp, "dotfile"),
      ...env,
    },
  });
  if (r.error) throw new Error(`cannot run vagrant (${r.error.message}): install it with test/vagrant/install.sh`);
  return { code: r.status, out: r.stdout + r.stderr };
}

/** A copy of the Vagrantfile, edited, in its own directory. */
function variant(name: string, edit: (text: string) => string): string {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const text = readFileSync(VAGRANTFILE, "utf8");
  const edited = edit(text);
  expect(edited).not.toBe(text);
  writeFileSync(join(dir, "Vagrantfile"), edited);
  return dir;
}

describe("vagrant validate", { timeout: 120_000 }, () => {
  it("accepts vagrant/Vagrantfile", () => {
    const hadState = existsSync(join(VAGRANT_DIR, ".vagrant"));
    const r = validate(VAGRANT_DIR);
    expect(r.out).toContain("Vagrantfile validated successfully");
    expect(r.code).toBe(0);
    expect(existsSync(join(VAGRANT_DIR, ".vagrant"))).toBe(hadState);
  });

  it("accepts the documented environment overrides", () => {
    const r = validate(VAGRANT_DIR, {
      PROVISION_VM_MEMORY: "8192",
      PROVISION_VM_CPUS: "4",
      PROVISION_VM_IP: "192.168.57.20",
      PROVISION_VM_HOSTNAME: "jitsi.lab.test",
      PROVISION_VM_HTTPS_PORT: "9443",
      PROVISION_VM_BOX_VERSION: "20240101.0.0",
    });
    expect(r.out).toContain("Vagrantfile validated successfully");
    expect(r.code).toBe(0);
  });

  it("refuses a copy with a Ruby syntax error", () => {
    const dir = variant("syntax", (t) => t.replace(/\nend\s*$/, "\n"));
    const r = validate(dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/error loading a Vagrantfile|syntax error/i);
  });

  it("refuses a copy with an invalid setting (not only syntax is checked)", () => {
    const dir = variant("semantic", (t) => t.replace("guest: 443, host: VM_HTTPS_PORT,", "guest: 443,"));
    const r = validate(dir);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('Forwarded port definitions require a "host" and "guest" value');
  });

  it("refuses bad override values with a message naming the variable", () => {
    // One variable per code path (integer with minimum, IPv4, host name, port range); each run costs 2-5 s.
    for (const [k, v, msg] of [
      ["PROVISION_VM_MEMORY", "lots", /PROVISION_VM_MEMORY="lots" is not a whole number >= 2048/],
      ["PROVISION_VM_IP", "192.168.56.300", /PROVISION_VM_IP=192.168.56.300 is not an IPv4 address/],
      ["PROVISION_VM_HOSTNAME", "Bad_Host", /PROVISION_VM_HOSTNAME="Bad_Host" is not a lower-case host name/],
      ["PROVISION_VM_HTTPS_PORT", "70000", /PROVISION_VM_HTTPS_PORT=70000 is not a port/],
    ] as const) {
      const r = validate(VAGRANT_DIR, { [k]: v });
      expect(r.code, `${k}=${v}`).not.toBe(0);
      expect(r.out).toMatch(msg);
    }
  });
});
