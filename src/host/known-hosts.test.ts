import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  appendHostKey,
  checkHostKey,
  hostKeyName,
  keyTypeOfBlob,
  parseKnownHosts,
  readKnownHosts,
} from "./known-hosts.js";

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

/** A fake ecdsa-looking blob: only its type string and bytes matter for matching. */
function otherTypeKey(): string {
  return Buffer.concat([sshString("ecdsa-sha2-nistp256"), sshString("nistp256"), sshString(randomBytes(65))]).toString("base64");
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  const mac = createHmac("sha1", salt).update(name).digest();
  return `|1|${salt.toString("base64")}|${mac.toString("base64")}`;
}

// The comparisons with the real ssh-keygen are in known-hosts.local.test.ts.

const tmp = mkdtempSync(join(tmpdir(), "provision-kh-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const K1 = ed25519();
const K2 = ed25519();
const E1 = otherTypeKey();

describe("parseKnownHosts", () => {
  it("skips comments, blank and malformed lines and keeps line numbers", () => {
    const text = [
      "# a comment",
      "",
      "   ",
      `host1 ssh-ed25519 ${K1} root@somewhere`,
      "garbage",
      `host2 ssh-ed25519 not*base64`,
      `@weird host3 ssh-ed25519 ${K1}`,
      `@revoked * ssh-ed25519 ${K2}`,
      `@cert-authority *.example ssh-ed25519 ${K2}`,
      `|2|abc|def ssh-ed25519 ${K1}`,
    ].join("\n");
    const entries = parseKnownHosts(text, "/x/known_hosts");
    expect(entries.map((e) => [e.line, e.marker ?? null, e.keyType])).toEqual([
      [4, null, "ssh-ed25519"],
      [8, "revoked", "ssh-ed25519"],
      [9, "cert-authority", "ssh-ed25519"],
    ]);
    expect(entries[0]!.file).toBe("/x/known_hosts");
  });
});

describe("checkHostKey", () => {
  it("matches plain names, comma lists, case-insensitively", () => {
    const e = parseKnownHosts(`alpha,Beta.example,10.0.0.1 ssh-ed25519 ${K1}\n`);
    expect(checkHostKey(e, "alpha", 22, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(e, "beta.EXAMPLE", 22, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(e, "10.0.0.1", 22, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(e, "gamma", 22, "ssh-ed25519", K1)).toBe("unknown");
  });

  it("keeps ports apart: [host]:port for non-22, plain name only for 22", () => {
    const e = parseKnownHosts(`[alpha]:2222 ssh-ed25519 ${K1}\nalpha ssh-ed25519 ${K2}\n[beta]:22 ssh-ed25519 ${K1}\n`);
    expect(checkHostKey(e, "alpha", 2222, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(e, "alpha", 22, "ssh-ed25519", K2)).toBe("match");
    const c = checkHostKey(e, "alpha", 2222, "ssh-ed25519", K2);
    expect(c).toMatchObject({ changed: ["ssh-ed25519"] });
    expect(checkHostKey(e, "alpha", 2200, "ssh-ed25519", K1)).toBe("unknown");
    expect(checkHostKey(e, "beta", 22, "ssh-ed25519", K1)).toBe("unknown");
    expect(hostKeyName("Alpha", 22)).toBe("alpha");
    expect(hostKeyName("alpha", 2222)).toBe("[alpha]:2222");
  });

  it("supports * and ? wildcards and ! negation", () => {
    const e = parseKnownHosts(`*.example.org,!bad.example.org,host? ssh-ed25519 ${K1}\n`);
    expect(checkHostKey(e, "meet.example.org", 22, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(e, "bad.example.org", 22, "ssh-ed25519", K1)).toBe("unknown");
    expect(checkHostKey(e, "host7", 22, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(e, "host77", 22, "ssh-ed25519", K1)).toBe("unknown");
    expect(checkHostKey(e, "example.org", 22, "ssh-ed25519", K1)).toBe("unknown");
    const p = parseKnownHosts(`[10.0.0.*]:2222 ssh-ed25519 ${K1}\n`);
    expect(checkHostKey(p, "10.0.0.9", 2222, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(p, "10.0.0.9", 22, "ssh-ed25519", K1)).toBe("unknown");
  });

  it("matches hashed entries (HMAC-SHA1 keyed by the salt), including [host]:port", () => {
    const e = parseKnownHosts(`${hashed("meet.example.org")} ssh-ed25519 ${K1}\n${hashed("[10.1.2.3]:2022")} ssh-ed25519 ${K2}\n`);
    expect(checkHostKey(e, "meet.example.org", 22, "ssh-ed25519", K1)).toBe("match");
    expect(checkHostKey(e, "10.1.2.3", 2022, "ssh-ed25519", K2)).toBe("match");
    expect(checkHostKey(e, "10.1.2.3", 22, "ssh-ed25519", K2)).toBe("unknown");
    expect(checkHostKey(e, "other.example.org", 22, "ssh-ed25519", K1)).toBe("unknown");
    expect(checkHostKey(e, "meet.example.org", 22, "ssh-ed25519", K2)).toMatchObject({ changed: ["ssh-ed25519"] });
  });

  it("refuses a @revoked key even when another line lists it as valid", () => {
    const e = parseKnownHosts(`alpha ssh-ed25519 ${K1}\n@revoked * ssh-ed25519 ${K1}\n`);
    const c = checkHostKey(e, "alpha", 22, "ssh-ed25519", K1);
    expect(c).toMatchObject({ revoked: { line: 2 } });
    expect(checkHostKey(e, "newhost", 22, "ssh-ed25519", K1)).toMatchObject({ revoked: { line: 2 } });
    expect(checkHostKey(e, "newhost", 22, "ssh-ed25519", K2)).toBe("unknown");
  });

  it("ignores @cert-authority lines", () => {
    const e = parseKnownHosts(`@cert-authority alpha ssh-ed25519 ${K1}\n`);
    expect(checkHostKey(e, "alpha", 22, "ssh-ed25519", K1)).toBe("unknown");
    expect(checkHostKey(e, "alpha", 22, "ssh-ed25519", K2)).toBe("unknown");
  });

  it("reports a change with the recorded types and the offending lines", () => {
    const e = parseKnownHosts(`# c\nalpha ssh-ed25519 ${K1}\nalpha ecdsa-sha2-nistp256 ${E1}\n`, "/k");
    const c = checkHostKey(e, "alpha", 22, "ssh-ed25519", K2);
    expect(c).toMatchObject({ changed: ["ssh-ed25519", "ecdsa-sha2-nistp256"] });
    if (typeof c === "object" && "changed" in c) expect(c.offending.map((o) => `${o.file}:${o.line}`)).toEqual(["/k:2"]);
    // Any of several recorded keys may match (OpenSSH allows several per host).
    expect(checkHostKey(e, "alpha", 22, "ecdsa-sha2-nistp256", E1)).toBe("match");
  });

  it("treats a host known only with keys of other types as changed, not unknown", () => {
    const e = parseKnownHosts(`alpha ecdsa-sha2-nistp256 ${E1}\n`);
    const c = checkHostKey(e, "alpha", 22, "ssh-ed25519", K1);
    expect(c).toMatchObject({ changed: ["ecdsa-sha2-nistp256"], offending: [{ line: 1 }] });
  });

  it("does not confuse same bytes under a different type name", () => {
    const e = parseKnownHosts(`alpha ssh-rsa ${K1}\n`);
    expect(checkHostKey(e, "alpha", 22, "ssh-ed25519", K1)).toMatchObject({ changed: ["ssh-rsa"] });
  });
});

describe("fingerprint and key blobs", () => {
  it("reads the key type from a blob and refuses junk", () => {
    expect(keyTypeOfBlob(Buffer.from(K1, "base64"))).toBe("ssh-ed25519");
    expect(keyTypeOfBlob(Buffer.from(E1, "base64"))).toBe("ecdsa-sha2-nistp256");
    expect(() => keyTypeOfBlob(Buffer.from([0, 0]))).toThrow();
    expect(() => keyTypeOfBlob(Buffer.from([0xff, 0, 0, 0, 1]))).toThrow();
  });
});

describe("appendHostKey", () => {
  it("starts a new line when the file lacks a trailing newline, and refuses bad names", async () => {
    const f = join(tmp, "nonl");
    writeFileSync(f, `alpha ssh-ed25519 ${K1}`);
    await appendHostKey(f, "beta", 22, "ssh-ed25519", K2);
    expect(readFileSync(f, "utf8")).toBe(`alpha ssh-ed25519 ${K1}\nbeta ssh-ed25519 ${K2}\n`);
    await expect(appendHostKey(f, "a b", 22, "ssh-ed25519", K2)).rejects.toThrow();
    await expect(appendHostKey(f, "*", 22, "ssh-ed25519", K2)).rejects.toThrow();
  });

  it("reads a missing file as empty", async () => {
    expect(await readKnownHosts(join(tmp, "does-not-exist"))).toEqual([]);
  });
});
