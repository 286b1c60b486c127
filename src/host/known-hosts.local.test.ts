// The known_hosts code compared with the real OpenSSH ssh-keygen (-H, -lf, -F); the pure tests are in known-hosts.test.ts.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { appendHostKey, checkHostKey, fingerprint, parseKnownHosts, readKnownHosts } from "./known-hosts.js";

function sshString(b: Buffer | string): Buffer {
  const buf = typeof b === "string" ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
}

/** A fresh ed25519 public key as an SSH blob (base64), built with node:crypto. */
function ed25519(): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x!, "base64url");
  return Buffer.concat([sshString("ssh-ed25519"), sshString(raw)]).toString("base64");
}

const tmp = mkdtempSync(join(tmpdir(), "provision-kh-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const K1 = ed25519();
const K2 = ed25519();

describe("checkHostKey", () => {
  it("matches entries hashed by the real ssh-keygen -H", () => {
    const f = join(tmp, "hash-me");
    writeFileSync(f, `[127.0.0.2]:2345 ssh-ed25519 ${K1}\nmeet.example.org ssh-ed25519 ${K2}\n`);
    execFileSync("ssh-keygen", ["-H", "-f", f], { stdio: "ignore" });
    const text = readFileSync(f, "utf8");
    expect(text).not.toContain("meet.example.org");
    const e = parseKnownHosts(text);
    expect(e.every((x) => x.hosts.kind === "hashed")).toBe(true);
    expect(checkHostKey(e, "127.0.0.2", 2345, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(e, "meet.example.org", 22, "ssh-ed25519", K2)).toBe("match");
  });
});

describe("fingerprint and key blobs", () => {
  it("agrees with ssh-keygen -lf", () => {
    const f = join(tmp, "k.pub");
    writeFileSync(f, `ssh-ed25519 ${K1} test\n`);
    const out = execFileSync("ssh-keygen", ["-lf", f], { encoding: "utf8" });
    expect(out.split(" ")[1]).toBe(fingerprint(K1));
    expect(fingerprint(Buffer.from(K1, "base64"))).toBe(fingerprint(K1));
    expect(fingerprint(K1)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});

describe("appendHostKey", () => {
  it("creates dir 0700 and file 0600, writes [host]:port, and the result matches (also for ssh-keygen -F)", async () => {
    const f = join(tmp, "new", "dir", "known_hosts");
    await appendHostKey(f, "127.0.0.2", 2345, "ssh-ed25519", K1);
    await appendHostKey(f, "meet.example.org", 22, "ssh-ed25519", K2);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(statSync(join(tmp, "new", "dir")).mode & 0o777).toBe(0o700);
    expect(readFileSync(f, "utf8")).toBe(`[127.0.0.2]:2345 ssh-ed25519 ${K1}\nmeet.example.org ssh-ed25519 ${K2}\n`);
    const e = await readKnownHosts(f);
    expect(checkHostKey(e, "127.0.0.2", 2345, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(e, "meet.example.org", 22, "ssh-ed25519", K2)).toBe("match");
    const found = execFileSync("ssh-keygen", ["-F", "[127.0.0.2]:2345", "-f", f], { encoding: "utf8" });
    expect(found).toContain(K1);
  });
});
