import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadInventory } from "./inventory.js";
import { usageErrorOf } from "../test/support/errors.js";

const SECRET = "s3cr3t-0123456789-abcdefghij-KLMNOPQRSTUV";

/** Files holding a secret are written 0600, as the README says; `modes` overrides. */
function dirWith(files: Record<string, string>, modes: Record<string, number> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "inv-"));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), modes[name] ?? (text.includes("JWT_APP_SECRET") ? 0o600 : 0o644));
  }
  return dir;
}

const fail = usageErrorOf;

describe("loadInventory", () => {
  it("applies defaults and merges the secrets file", () => {
    const dir = dirWith({
      "meet.example.org.env": "SSH_USER=arch\nJWT_APP_ID=app\n",
      "meet.example.org.secrets.env": `JWT_APP_SECRET=${SECRET}\n`,
    });
    const inv = loadInventory("meet.example.org", { dir, env: {} });
    expect(inv.ssh).toMatchObject({ host: "meet.example.org", port: 22, user: "arch", key: undefined });
    expect(inv.jitsi).toEqual({
      domain: "meet.example.org",
      guestDomain: "guest.meet.example.org",
      prosodyAddress: "127.0.0.1",
      pluginDir: "/usr/lib/jitsi-meet-prosody",
    });
    expect(inv.jwt).toEqual({ appId: "app", appSecret: SECRET, audience: "jitsi" });
    expect(inv.tls.mode).toBe("self-signed");
  });

  it("lets the process environment override the files", () => {
    const dir = dirWith({ "h.env": `SSH_USER=arch\nJWT_APP_ID=app\nJWT_APP_SECRET=${SECRET}\nSSH_PORT=22\n` });
    const inv = loadInventory("h", { dir, env: { SSH_PORT: "2222", JITSI_DOMAIN: "meet.example.net" } });
    expect(inv.ssh.port).toBe(2222);
    expect(inv.jitsi.domain).toBe("meet.example.net");
  });

  it("resolves a relative key path against the inventory directory", () => {
    const dir = dirWith({ "h.env": `SSH_USER=arch\nJWT_APP_ID=app\nJWT_APP_SECRET=${SECRET}\nSSH_KEY=keys/id\n` });
    expect(loadInventory("h", { dir, env: {} }).ssh.key).toBe(join(dir, "keys/id"));
  });

  it("names the expected path when the file is missing", () => {
    const dir = dirWith({});
    const e = fail(() => loadInventory("nope", { dir, env: {} }));
    expect(e.message).toContain(join(dir, "nope.env"));
    expect(e.fix).toContain("example.env");
  });

  it("lists every problem at once and never shows the secret", () => {
    const dir = dirWith({
      "bad.env": [
        "SSH_USER=root",
        "SSH_PORT=99999",
        "JITSI_DOMAIN=Meet.Example.org",
        "JWT_APP_ID=\"app\\nid\"",
        "JWT_APP_SECRET=short-secret-value",
        "JWT_APP_SECERT=typo",
        "TLS_MODE=files",
        "LUA_VERSION=6.0",
      ].join("\n"),
    });
    const e = fail(() => loadInventory("bad", { dir, env: {} }));
    const text = e.format();
    for (const key of ["SSH_USER", "SSH_PORT", "JITSI_DOMAIN", "JWT_APP_ID", "JWT_APP_SECRET", "TLS_CERT", "TLS_KEY", "LUA_VERSION"])
      expect(text).toContain(`${key}:`);
    expect(text).toContain("did you mean JWT_APP_SECRET");
    expect(text).toMatch(/must not be root/);
    expect(text).toMatch(/lower-case hostname/);
    expect(text).toMatch(/at least 32 characters/);
    expect(text).not.toContain("short-secret-value");
    expect(e.lines.length).toBe(9);
  });

  it("requires the keys that have no default", () => {
    const dir = dirWith({ "h.env": "" });
    const e = fail(() => loadInventory("h", { dir, env: {} }));
    expect(e.lines.map((l) => l.split(":")[0]).sort()).toEqual(["JWT_APP_ID", "JWT_APP_SECRET", "SSH_USER"]);
  });

  it("refuses a guest domain equal to the main domain", () => {
    const dir = dirWith({ "h.env": `SSH_USER=arch\nJWT_APP_ID=a\nJWT_APP_SECRET=${SECRET}\nJITSI_GUEST_DOMAIN=h\n` });
    expect(fail(() => loadInventory("h", { dir, env: {} })).format()).toContain("JITSI_GUEST_DOMAIN: must differ");
  });

  // Regression: a world-readable local secrets file was accepted.
  describe("files holding the secret", () => {
    const files = { "h.env": "SSH_USER=arch\nJWT_APP_ID=app\n", "h.secrets.env": `JWT_APP_SECRET=${SECRET}\n` };

    it("refuses a secrets file readable (or writable) by group or others, with the chmod that fixes it (exit 2)", () => {
      for (const mode of [0o644, 0o640, 0o604, 0o620]) {
        const dir = dirWith(files, { "h.secrets.env": mode });
        const e = fail(() => loadInventory("h", { dir, env: {} }));
        expect(e.exitCode).toBe(2);
        const path = join(dir, "h.secrets.env");
        expect(e.lines).toContain(`${path}: open to group or others (mode ${mode.toString(8).padStart(4, "0")}) though it holds JWT_APP_SECRET`);
        expect(e.fix).toBe(`chmod 600 ${path}`);
        expect(e.format()).not.toContain(SECRET);
      }
    });

    it("accepts 0600 and 0400, and refuses an inventory file that holds the secret itself when others can read it", () => {
      for (const mode of [0o600, 0o400]) expect(loadInventory("h", { dir: dirWith(files, { "h.secrets.env": mode }), env: {} }).jwt.appSecret).toBe(SECRET);
      const dir = dirWith({ "h.env": `SSH_USER=arch\nJWT_APP_ID=app\nJWT_APP_SECRET=${SECRET}\n` }, { "h.env": 0o644 });
      const e = fail(() => loadInventory("h", { dir, env: {} }));
      expect(e.fix).toBe(`chmod 600 ${join(dir, "h.env")}`);
      // Other problems are still listed with it, and the fix names both.
      const both = dirWith({ "h.env": "SSH_USER=root\nJWT_APP_ID=app\n", "h.secrets.env": `JWT_APP_SECRET=${SECRET}\n` }, { "h.secrets.env": 0o644 });
      const e2 = fail(() => loadInventory("h", { dir: both, env: {} }));
      expect(e2.lines.some((l) => l.startsWith("SSH_USER:"))).toBe(true);
      expect(e2.fix).toBe(`chmod 600 ${join(both, "h.secrets.env")}; correct the keys listed above (every key is documented in ${join(both, "example.env")})`);
    });
  });

  // Regression: PROSODY_ADDRESS and WEB_ADDRESS accepted strings that are no address ("dead", "1.2.3", "::::").
  it("takes PROSODY_ADDRESS and WEB_ADDRESS only as IP addresses (PROSODY_ADDRESS also localhost)", () => {
    const load = (extra: string) => loadInventory("h", { dir: dirWith({ "h.env": `SSH_USER=arch\nJWT_APP_ID=app\nJWT_APP_SECRET=${SECRET}\n${extra}` }), env: {} });
    for (const ok of ["127.0.0.1", "10.1.2.3", "::1", "fe80::1", "2001:db8::5"]) {
      expect(load(`PROSODY_ADDRESS=${ok}\nWEB_ADDRESS=${ok}\n`).jitsi).toMatchObject({ prosodyAddress: ok, webAddress: ok });
    }
    expect(load("PROSODY_ADDRESS=localhost\n").jitsi.prosodyAddress).toBe("localhost");
    for (const bad of ["dead", "cafe.bad", "1.2.3", "999.1.1.1", "::::", "127.0.0.1:5280", "[::1]", "fe80::1%eth0", "meet.example.org", "0x7f.1"]) {
      for (const key of ["PROSODY_ADDRESS", "WEB_ADDRESS"]) {
        const e = fail(() => load(`${key}=${bad}\n`));
        expect(e.lines, `${key}=${bad}`).toContain(`${key}: must be an IPv4 or IPv6 address${key === "PROSODY_ADDRESS" ? " (or localhost)" : ""}, without port or brackets`);
      }
    }
    expect(fail(() => load("WEB_ADDRESS=localhost\n")).lines[0]).toMatch(/^WEB_ADDRESS: must be an IPv4 or IPv6 address/);
  });
});

// A value from the environment or the secrets file is blamed on where it came from, not on the host file.
describe("problems name the value's source", () => {
  it("a short JWT_APP_SECRET from the environment is blamed on the environment variable", () => {
    const dir = dirWith({ "h.env": "SSH_USER=arch\nJWT_APP_ID=app\n", "h.secrets.env": `JWT_APP_SECRET=${SECRET}\n` }, { "h.secrets.env": 0o600 });
    const e = fail(() => loadInventory("h", { dir, env: { JWT_APP_SECRET: "too-short-FAKE" } }));
    expect(e.lines).toContain("JWT_APP_SECRET (from the environment variable JWT_APP_SECRET): must be at least 32 characters (e.g. `openssl rand -base64 48`)");
    expect(e.fix).toMatch(/JWT_APP_SECRET comes from the environment, which overrides the files: correct or unset it there/);
    expect(e.format()).not.toContain("too-short-FAKE");
  });

  it("from the secrets file: that file; a default: the inventory name", () => {
    const dir = dirWith({ "Bad_Name.env": "SSH_USER=arch\nJWT_APP_ID=app\n", "Bad_Name.secrets.env": "JWT_APP_SECRET=short-FAKE\n" }, { "Bad_Name.secrets.env": 0o600 });
    const e = fail(() => loadInventory("Bad_Name", { dir, env: {} }));
    expect(e.lines).toContain(`JWT_APP_SECRET (from the ${join(dir, "Bad_Name.secrets.env")}): must be at least 32 characters (e.g. \`openssl rand -base64 48\`)`);
    expect(e.lines.find((l) => l.startsWith("JITSI_DOMAIN"))).toMatch(/^JITSI_DOMAIN \(from the default: the inventory name\): .*lower-case hostname/);
    expect(e.fix).not.toMatch(/environment/);
  });
});
