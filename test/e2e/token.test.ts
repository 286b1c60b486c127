// `provision token` as a user runs it; the link's token is checked with an independent JWT implementation.
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { provision } from "./helpers.js";

const SECRET = "token-test-secret-0123456789-abcdefghijklmnop";
const dir = mkdtempSync(join(tmpdir(), "provision-token-"));
writeFileSync(join(dir, "meet.example.org.env"), "SSH_USER=arch\nJWT_APP_ID=my-app\n");
writeFileSync(join(dir, "meet.example.org.secrets.env"), `JWT_APP_SECRET=${SECRET}\n`, { mode: 0o600 });
const ENV = { PROVISION_INVENTORY_DIR: dir };

function b64url(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

describe("provision token", () => {
  it("prints a join link whose token verifies with plain HMAC-SHA256 and carries the documented claims", async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await provision(["token", "--host", "meet.example.org", "--room", "standup", "--name", "Alice", "--email", "alice@example.org", "--ttl", "90m"], ENV);
    expect(r.code, r.all).toBe(0);
    const m = /^https:\/\/meet\.example\.org\/standup\?jwt=([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(r.stdout.trim());
    expect(m, r.stdout).not.toBeNull();
    const [, h, p, sig] = m!;
    const expected = createHmac("sha256", SECRET).update(`${h}.${p}`).digest();
    expect(timingSafeEqual(expected, b64url(sig!))).toBe(true);
    expect(JSON.parse(b64url(h!).toString())).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = JSON.parse(b64url(p!).toString());
    expect(claims).toMatchObject({ iss: "my-app", aud: "jitsi", sub: "meet.example.org", room: "standup" });
    expect(claims.exp - before).toBeGreaterThanOrEqual(90 * 60 - 2);
    expect(claims.exp - before).toBeLessThanOrEqual(90 * 60 + 2);
    expect(claims.nbf).toBeLessThan(before);
    expect(claims.context.user).toMatchObject({ name: "Alice", email: "alice@example.org" });
    for (const v of Object.values(claims.context.user)) expect(typeof v).toBe("string");
    expect(r.all).not.toContain(SECRET);
  });

  it("--room '*' mints a token for every room, with {room} in the link", async () => {
    const r = await provision(["token", "--host", "meet.example.org", "--room", "*"], ENV);
    expect(r.code, r.all).toBe(0);
    const m = /^https:\/\/meet\.example\.org\/\{room\}\?jwt=[\w-]+\.([\w-]+)\.[\w-]+$/.exec(r.stdout.trim());
    expect(m, r.stdout).not.toBeNull();
    expect(JSON.parse(b64url(m![1]!).toString()).room).toBe("*");
    expect(r.stderr).toMatch(/opens every room/);
  });

  it("refuses a room name lib-jitsi-meet would refuse, with exit 2 and the rule", async () => {
    const r = await provision(["token", "--host", "meet.example.org", "--room", "Standup"], ENV);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lower case/i);
  });

  it("refuses a bad --ttl and an unknown host with exit 2", async () => {
    const ttl = await provision(["token", "--host", "meet.example.org", "--room", "x", "--ttl", "soon"], ENV);
    expect(ttl.code).toBe(2);
    expect(ttl.stderr).toMatch(/--ttl/);
    const missing = await provision(["token", "--host", "nope", "--room", "x"], ENV);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(join(dir, "nope.env"));
  });
});

describe("bad input on the main command", () => {
  it("exit 2 for an unknown flag, an unknown task, no host, and an invalid inventory (all problems listed)", async () => {
    expect((await provision(["--host", "meet.example.org", "--frobnicate"], ENV)).code).toBe(2);
    const task = await provision(["--host", "meet.example.org", "--only", "prosody,nginxx"], ENV);
    expect(task.code).toBe(2);
    expect(task.stderr).toMatch(/unknown task name in --only: nginxx/);
    expect(task.stderr).toMatch(/use names from: preflight, bootstrap/);
    const none = await provision([], ENV);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no host given/);
    writeFileSync(join(dir, "bad.env"), "SSH_USER=root\nJITSI_DOMAIN=Bad_Domain\nJWT_APP_SECRET=short\n");
    const bad = await provision(["--host", "bad"], ENV);
    expect(bad.code).toBe(2);
    for (const k of ["SSH_USER", "JITSI_DOMAIN", "JWT_APP_ID", "JWT_APP_SECRET"]) expect(bad.stderr).toContain(`${k}:`);
    expect(bad.stderr).not.toContain("short\n");
  });

  it("--help lists every command and flag", async () => {
    const r = await provision(["--help"]);
    expect(r.code).toBe(0);
    for (const f of ["--host", "--check", "--diff", "--only", "--skip", "--report", "--parallel", "--accept-new-host-key", "--lock-timeout", "--public", "--inventory", "--no-verify", "token", "verify", "tasks"])
      expect(r.stdout).toContain(f);
  });
});
