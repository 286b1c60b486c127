import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hostNames, loadInventory } from "./inventory.js";
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
    writeFileSync(join(dir, "meet.example.org.env"), "");
    expect(fail(() => loadInventory("meet.exmaple.org", { dir, env: {} })).message).toMatch(/^no inventory for host 'meet\.exmaple\.org' \(did you mean meet\.example\.org\?\): expected /);
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

// inventory/defaults.env < inventory/groups/<GROUP>.env < <name>.env < <name>.secrets.env < the environment.
describe("precedence and blame across the inventory's files", () => {
  /** A directory with defaults.env, groups/eu.env and h.env (+ h.secrets.env), each setting SSH_PORT and more. */
  function layered(over: { defaults?: string; group?: string; host?: string; secrets?: string } = {}): string {
    const dir = dirWith({
      "defaults.env": over.defaults ?? "SSH_USER=arch\nJWT_APP_ID=app\nGROUP=eu\nSSH_PORT=2201\nJWT_AUDIENCE=from-defaults\nLUA_VERSION=5.2\n",
      "h.env": over.host ?? "SSH_PORT=2203\nJWT_AUDIENCE=from-host\n",
      "h.secrets.env": over.secrets ?? `JWT_APP_SECRET=${SECRET}\nJWT_AUDIENCE=from-secrets\n`,
    });
    mkdirSync(join(dir, "groups"));
    writeFileSync(join(dir, "groups", "eu.env"), over.group ?? "SSH_PORT=2202\nJWT_AUDIENCE=from-group\nLUA_VERSION=5.3\nPROSODY_ADDRESS=10.0.0.2\n");
    return dir;
  }

  it("each level overrides the one below it", () => {
    const dir = layered();
    const inv = loadInventory("h", { dir, env: {} });
    expect(inv.group).toBe("eu");
    expect(inv.ssh.user).toBe("arch"); // defaults only
    expect(inv.luaVersion).toBe("5.3"); // group over defaults
    expect(inv.jitsi.prosodyAddress).toBe("10.0.0.2"); // group only
    expect(inv.ssh.port).toBe(2203); // host over group
    expect(inv.jwt.audience).toBe("from-secrets"); // secrets over host
    expect(loadInventory("h", { dir, env: { JWT_AUDIENCE: "from-env", SSH_PORT: "" } }).jwt.audience).toBe("from-env"); // environment over all; empty ignored
    expect(loadInventory("h", { dir, env: { SSH_PORT: "" } }).ssh.port).toBe(2203);
    // Without the higher files, the lower ones show through.
    expect(loadInventory("h", { dir: layered({ host: "", secrets: `JWT_APP_SECRET=${SECRET}\n` }), env: {} }).ssh.port).toBe(2202);
    expect(loadInventory("h", { dir: layered({ host: "", secrets: `JWT_APP_SECRET=${SECRET}\n`, group: "" }), env: {} }).ssh.port).toBe(2201);
    // An empty value in a higher file unsets a lower one: the built-in default applies.
    expect(loadInventory("h", { dir: layered({ host: "SSH_PORT=\n" }), env: {} }).ssh.port).toBe(22);
  });

  it("GROUP set in the host file (or the environment) picks the group file; a group with no file is only a name", () => {
    const dir = layered({ defaults: "SSH_USER=arch\nJWT_APP_ID=app\n", host: "GROUP=eu\n" });
    expect(loadInventory("h", { dir, env: {} }).luaVersion).toBe("5.3");
    expect(loadInventory("h", { dir, env: { GROUP: "us" } })).toMatchObject({ group: "us", luaVersion: undefined });
  });

  it("blames a bad value on the file it came from, and an unknown key on its file", () => {
    const dir = layered({ group: "SSH_PORT=0\nSSH_PROT=1\n", host: "" });
    const e = fail(() => loadInventory("h", { dir, env: {} }));
    expect(e.lines.find((l) => l.startsWith("SSH_PORT"))).toMatch(new RegExp(`^SSH_PORT \\(from the ${join(dir, "groups", "eu.env")}\\): `));
    expect(e.lines).toContain(`SSH_PROT (${join(dir, "groups", "eu.env")}): unknown key (did you mean SSH_PORT?)`);
    const d2 = layered({ defaults: "SSH_USER=root\nJWT_APP_ID=app\n" });
    expect(fail(() => loadInventory("h", { dir: d2, env: {} })).lines[0]).toMatch(new RegExp(`^SSH_USER \\(from the ${join(d2, "defaults.env")}\\): must not be root`));
    const d3 = layered({ group: "GROUP=us\n" });
    expect(fail(() => loadInventory("h", { dir: d3, env: {} })).lines[0]).toBe(`GROUP (${join(d3, "groups", "eu.env")}): a group file cannot name a group: set GROUP in the host file or in defaults.env`);
  });

  it("a defaults or group file holding JWT_APP_SECRET open to others is refused with its chmod", () => {
    const dir = layered({ group: `JWT_APP_SECRET=${SECRET}\n` });
    const e = fail(() => loadInventory("h", { dir, env: {} }));
    expect(e.fix).toBe(`chmod 600 ${join(dir, "groups", "eu.env")}`);
    expect(e.format()).not.toContain(SECRET);
  });

  it("defaults.env, example.env and *.secrets.env are not hosts", () => {
    const dir = layered();
    writeFileSync(join(dir, "example.env"), "SSH_USER=arch\n");
    for (const n of ["defaults", "example", "h.secrets"]) expect(fail(() => loadInventory(n, { dir, env: {} })).message).toMatch(new RegExp(`^'${n}' is not a host: `));
    expect(hostNames(dir)).toEqual(["h"]);
  });
});

describe("ROLE, the bridge's keys", () => {
  const base = `SSH_USER=arch\nJWT_APP_ID=app\nJWT_APP_SECRET=${SECRET}\nJITSI_DOMAIN=meet.example.org\n`;
  const load = (text: string, env: NodeJS.ProcessEnv = {}) => loadInventory("Jvb_1", { dir: dirWith({ "Jvb_1.env": text }), env });

  it("a main host: its own bridge reaches Prosody at PROSODY_ADDRESS, nickname the name lower-cased", () => {
    const inv = load(`${base}PROSODY_ADDRESS=10.0.0.5\nJVB_PUBLIC_ADDRESS=203.0.113.5\n`);
    expect(inv).toMatchObject({ role: "main", bridges: [] });
    expect(inv.main).toBeUndefined();
    expect(inv.bridge).toEqual({ nickname: "jvb_1", xmppServer: "10.0.0.5", publicAddress: "203.0.113.5", localAddress: undefined });
  });

  it("a videobridge host needs no JWT or TLS keys; XMPP_SERVER defaults to JITSI_DOMAIN", () => {
    const inv = load("ROLE=videobridge\nSSH_USER=arch\nJITSI_DOMAIN=meet.example.org\nTLS_MODE=files\nJVB_NICKNAME=jvb-a\nJVB_PUBLIC_ADDRESS=2001:db8::7\nJVB_LOCAL_ADDRESS=10.1.1.1\n");
    expect(inv.role).toBe("videobridge");
    expect(inv.bridge).toEqual({ nickname: "jvb-a", xmppServer: "meet.example.org", publicAddress: "2001:db8::7", localAddress: "10.1.1.1" });
    expect(inv.jwt).toEqual({ appId: "", appSecret: "", audience: "jitsi" });
    expect(load("ROLE=videobridge\nSSH_USER=arch\nJITSI_DOMAIN=meet.example.org\nXMPP_SERVER=10.0.0.5\n").bridge.xmppServer).toBe("10.0.0.5");
  });

  it("refuses bad values of the new keys, each named", () => {
    const e = fail(() => load(`${base}ROLE=bridge\nGROUP=e u\nJVB_NICKNAME=JVB 1\nJVB_PUBLIC_ADDRESS=nat.example.org\n`));
    expect(e.lines).toEqual([
      "ROLE: must be main or videobridge",
      "GROUP: must be a group name: letters, digits, '.', '_', '-'",
      "JVB_NICKNAME: must be 1 to 64 characters: lower-case letters, digits, '.', '_' or '-'",
      "JVB_PUBLIC_ADDRESS: must be an IPv4 or IPv6 address, without port or brackets",
    ]);
    expect(fail(() => load("ROLE=videobridge\nSSH_USER=arch\nJITSI_DOMAIN=meet.example.org\nXMPP_SERVER=Meet:5222\n")).lines).toEqual([
      "XMPP_SERVER: must be a lower-case host name or an IPv4 or IPv6 address, without port or brackets",
    ]);
    expect(fail(() => load(`${base}JVB_LOCAL_ADDRESS=10.0.0.1\n`)).lines[0]).toMatch(/^JVB_LOCAL_ADDRESS: is only taken with JVB_PUBLIC_ADDRESS/);
  });

  it("XMPP_SERVER in a main host's own file is refused; from the shared files or the environment it is ignored there", () => {
    expect(fail(() => load(`${base}XMPP_SERVER=10.0.0.5\n`)).lines[0]).toMatch(/^XMPP_SERVER: only for ROLE=videobridge: .*remove it, or set ROLE=videobridge$/);
    expect(load(base, { XMPP_SERVER: "10.0.0.5" }).bridge.xmppServer).toBe("127.0.0.1");
    const dir = dirWith({ "defaults.env": "XMPP_SERVER=10.0.0.5\n", "h.env": base });
    expect(loadInventory("h", { dir, env: {} }).bridge.xmppServer).toBe("127.0.0.1");
  });
});
