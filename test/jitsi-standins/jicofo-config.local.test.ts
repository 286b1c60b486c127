// The jicofo stand-in reads jicofo.conf with real HOCON semantics (typesafe-config, includes followed relative to
// the including file as jicofo does) and refuses to start like jicofo on a broken file, a missing password, a
// missing required include or JWT without login-url.
import { afterAll, describe, expect, it, beforeAll } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const JICOFO_DIR = join(here, "../sandbox/packages/jicofo/files/usr/lib/jicofo");
// A jicofo.conf with an XMPP client and a focus password, as Debian's postinst writes it (the AUR's shipped file is
// an empty `jicofo { }`: provision's own file, included last, adds the client; docs/hocon.md).
const SHIPPED_CONF = join(here, "../../src/render/__fixtures__/jicofo.conf.postinst");

let dir: string;
let loadConfig: (file: string) => Settings;
type Settings = {
  client: Record<string, unknown>;
  auth: { type: string; loginDomain?: string };
  conference: { initialTimeoutMs: number };
  breweryJid?: string;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "jicofo-conf-"));
  execFileSync("javac", ["-nowarn", "-cp", "/usr/share/java/typesafe-config.jar", "-d", dir, join(here, "../sandbox/standins/HoconToJson.java")]);
  process.env.JICOFO_HOCON_HELPER_DIR = dir;
  const mod = (await import(pathToFileURL(join(JICOFO_DIR, "lib/config.mjs")).href)) as { loadConfig: typeof loadConfig };
  loadConfig = mod.loadConfig;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a config file and returns its path. */
function conf(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const shipped = () => readFileSync(SHIPPED_CONF, "utf8").replace("pkg-FAKE-focus-pw", "pkgpw");
const managed = `
# BEGIN provision managed block
jicofo.authentication { enabled = true, type = JWT, login-url = "a.sandbox.test" }
jicofo.xmpp.client { hostname = "127.0.0.7", port = 5222, domain = "auth.a.sandbox.test", password: "pw \\"quoted\\" #not-a-comment" }
jicofo.xmpp.client.disable-certificate-verification = true // trailing comment
jicofo.conference.initial-timeout = 3 seconds
`;

describe("jicofo stand-in configuration", () => {
  it("merges a managed block appended to the shipped file (later keys win, objects merge)", () => {
    const s = loadConfig(conf("merged.conf", shipped() + managed));
    expect(s.client).toMatchObject({
      hostname: "127.0.0.7",
      port: 5222,
      domain: "auth.a.sandbox.test",
      xmppDomain: "meet.example.com", // kept from the shipped file
      clientProxy: "focus.meet.example.com",
      username: "focus",
      password: 'pw "quoted" #not-a-comment',
      disableCertificateVerification: true,
    });
    expect(s.auth).toEqual({ type: "JWT", loginDomain: "a.sandbox.test" });
    expect(s.conference.initialTimeoutMs).toBe(3000);
    expect(s.breweryJid).toBe("JvbBrewery@internal.auth.meet.example.com");
  });

  it("follows includes like typesafe-config: relative to the including file, later wins, a missing optional one ignored", () => {
    mkdirSync(join(dir, "etc-a"));
    const ours = 'jicofo.authentication { enabled = true, type = JWT, login-url = "inc.sandbox.test" }\njicofo.xmpp.client.password = "from-include"\n';
    writeFileSync(join(dir, "etc-a", "provision.conf"), ours);
    const main = conf("etc-a/jicofo.conf", shipped() + 'include "absent.conf"\ninclude required("provision.conf")\n');
    const s = loadConfig(main);
    expect(s.client.password).toBe("from-include"); // the include comes after the package's password
    expect(s.client.xmppDomain).toBe("meet.example.com"); // the package's other keys stay
    expect(s.auth).toEqual({ type: "JWT", loginDomain: "inc.sandbox.test" });
    // A key set after the include line wins over the included file's, as in jicofo.
    expect(loadConfig(conf("etc-a/after.conf", shipped() + 'include required("provision.conf")\njicofo.xmpp.client.password = "after"\n')).client.password).toBe("after");
  });

  it("refuses a required include that is missing (jicofo would not start either)", () => {
    mkdirSync(join(dir, "etc-b"));
    expect(() => loadConfig(conf("etc-b/jicofo.conf", shipped() + 'include required("provision.conf")\n'))).toThrow(/provision\.conf/);
  });

  it("treats enabled=false as no authentication", () => {
    const s = loadConfig(conf("off.conf", shipped() + "jicofo.authentication { enabled = false, type = JWT }\n"));
    expect(s.auth.type).toBe("NONE");
  });

  it("refuses a missing password, JWT without login-url, an unknown type and a broken file", () => {
    const noPw = shipped().replace(/password: "pkgpw"/, "");
    expect(() => loadConfig(conf("nopw.conf", noPw))).toThrow(/jicofo\.xmpp\.client\.password/);
    expect(() => loadConfig(conf("nologin.conf", shipped() + "jicofo.authentication { enabled = true, type = JWT }\n"))).toThrow(
      /jicofo\.authentication\.login-url/,
    );
    expect(() => loadConfig(conf("shib.conf", shipped() + "jicofo.authentication { enabled = true, type = SHIBBOLETH }\n"))).toThrow(
      /No enum constant .*SHIBBOLETH/,
    );
    expect(() => loadConfig(conf("broken.conf", shipped() + "jicofo { xmpp { client { \n"))).toThrow(/ConfigException/);
  });

  it("launcher exits 1 with a jicofo-like SEVERE line (and no secret) when it cannot start", () => {
    const log = join(dir, "jicofo.log");
    const bad = conf("launch-bad.conf", shipped() + "jicofo.authentication { enabled = true, type = JWT }\n");
    const r = spawnSync(process.execPath, [join(JICOFO_DIR, "jicofo.mjs"), "--config", bad, "--log", log], {
      encoding: "utf8",
      env: { ...process.env, JICOFO_HOCON_HELPER_DIR: dir },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Jicofo .* SEVERE: .*Failed to start jicofo: .*login-url/);
    expect(existsSync(log) && readFileSync(log, "utf8")).toMatch(/SEVERE/);
    expect(r.stderr + readFileSync(log, "utf8")).not.toContain("pkgpw");
  });
});
