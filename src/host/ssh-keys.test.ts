import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Inventory } from "../inventory-types.js";
import { checkSshKeys, keyFileProblem } from "./ssh-keys.js";
import { usageErrorOf } from "../../test/support/errors.js";

const dir = mkdtempSync(join(tmpdir(), "ssh-keys-"));
const good = join(dir, "id_ed25519");
writeFileSync(good, "-----BEGIN OPENSSH PRIVATE KEY-----\n", { mode: 0o600 });
writeFileSync(`${good}.pub`, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI op@laptop\n");
mkdirSync(join(dir, "adir"));

function inv(name: string, key: string | undefined, jump: Inventory["ssh"]["jump"] = []): Inventory {
  return { name, ssh: { host: name, port: 22, user: "arch", key, knownHosts: "/dev/null", connectTimeoutMs: 1, commandTimeoutMs: 1, jump } } as Inventory;
}

const refusal = usageErrorOf;

describe("SSH key files, checked before connecting", () => {
  it("names what is wrong with a key file", () => {
    expect(keyFileProblem(good)).toBeUndefined();
    expect(keyFileProblem(join(dir, "missing"))).toBe(`${join(dir, "missing")} does not exist`);
    expect(keyFileProblem(join(dir, "adir"))).toBe(`${join(dir, "adir")} is not a file`);
    expect(keyFileProblem(`${good}.pub`)).toBe(`${good}.pub is a public key (the private key is the file without .pub)`);
  });

  it.skipIf(process.getuid?.() === 0)("an unreadable key file", () => {
    const f = join(dir, "unreadable");
    writeFileSync(f, "x");
    chmodSync(f, 0o000);
    expect(keyFileProblem(f)).toBe(`${f} is not readable`);
  });

  it("one missing key: exit 2, naming the host, the file and the fix", () => {
    const e = refusal(() => checkSshKeys([inv("a", good), inv("b", join(dir, "nope"))], {}));
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`cannot log in: b: SSH key ${join(dir, "nope")} does not exist`);
    expect(e.fix).toContain("set SSH_KEY (or IdentityFile for the host in the SSH config) to a readable private key file");
  });

  it("every problem of every host and jump host at once; no key needs an agent", () => {
    const e = refusal(() => checkSshKeys([inv("a", undefined), inv("b", good, [{ host: "bastion", port: 22, user: "ops", key: join(dir, "bkey") }])], {}));
    expect(e.message).toBe("cannot log in: 2 SSH key problems");
    expect(e.lines).toEqual(["a: no SSH key and no SSH agent (SSH_AUTH_SOCK is not set)", `b (jump host bastion): SSH key ${join(dir, "bkey")} does not exist`]);
    expect(e.fix).toContain("start ssh-agent");
    expect(() => checkSshKeys([inv("a", undefined)], { SSH_AUTH_SOCK: "/run/agent" })).not.toThrow();
    expect(() => checkSshKeys([inv("a", good, [{ host: "j", port: 22, user: "u", key: good }])], {})).not.toThrow();
  });
});
