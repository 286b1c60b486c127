import { describe, expect, it } from "vitest";
import { maskSecrets, maskSecretSettings, secretForms, secretSafeDiff, unifiedDiff } from "./diff.js";
import { renderJicofoProvision } from "./jicofo.js";
import { renderJvbProvision } from "./jvb.js";
import { renderProsodyConfig } from "./prosody.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";
import { PROSODY_PARAMS } from "../../test/support/render/params.js";

/** Every use sets its own appSecret. */
const PROSODY = { ...PROSODY_PARAMS, appId: "app" };

describe("unifiedDiff", () => {
  it("shows changed lines with file headers", () => {
    const d = unifiedDiff("/etc/x.conf", "a\nb\nc\n", "a\nB\nc\n");
    expect(d).toContain("--- a/etc/x.conf");
    expect(d).toContain("+++ b/etc/x.conf");
    expect(d).toContain("-b\n+B\n");
  });
  it("treats a missing file as /dev/null and equal content as no diff", () => {
    expect(unifiedDiff("/etc/new", null, "x\n")).toContain("--- /dev/null");
    expect(unifiedDiff("/etc/same", "x\n", "x\n")).toBe("");
  });
});

describe("maskSecrets", () => {
  it("masks raw secrets and leaves other text", () => {
    expect(maskSecrets("pw=hunter22 user=bob", ["hunter22"])).toBe("pw=******** user=bob");
    expect(maskSecrets("nothing here", [""])).toBe("nothing here");
  });

  it("masks hostile secrets in a diff of the rendered Prosody file and jicofo.conf", () => {
    for (const s of HOSTILE_STRINGS.filter((x) => x.length >= 3)) {
      const secret = `S3${s}`;
      const lua = unifiedDiff("/etc/prosody/conf.d/x.cfg.lua", null, renderProsodyConfig({ ...PROSODY, appSecret: secret }));
      const hocon = unifiedDiff("/etc/jicofo/provision.conf", "", renderJicofoProvision({ domain: "meet.example.com", prosodyAddress: "127.0.0.1", focusPassword: secret }));
      for (const text of [lua, hocon]) {
        const masked = maskSecrets(text, [secret]);
        for (const f of secretForms(secret)) expect(masked.includes(f), JSON.stringify(s)).toBe(false);
        expect(masked).toContain("********");
      }
    }
  });

  it("masks the longest form first so no partial secret leaks", () => {
    expect(maskSecrets('x = "a\\"b"', ['a"b', "a"])).toBe('x = "********"');
  });
});

// Regression: --diff must show no secret, old or new, whatever secrets the run knows.
describe("maskSecretSettings (by structure)", () => {
  it("masks every secret-bearing Lua setting, however quoted", () => {
    const lua = [
      'app_secret = "s1-dq"',
      "    app_secret = 's2-sq'",
      "component_secret = [[s3-long]]",
      "turncredentials_secret = [==[s4\nmulti-line]==]",
      'sql = { driver = "PostgreSQL", password = "s5-table"; username = "prosody" }',
      'ldap_password = "s6-ldap" -- a comment',
      'app_id = "not-secret"',
      "external_service_secret = os.getenv('TURN')",
    ].join("\n");
    const out = maskSecretSettings(lua);
    for (const s of ["s1-dq", "s2-sq", "s3-long", "s4", "multi-line", "s5-table", "s6-ldap", "os.getenv"]) expect(out).not.toContain(s);
    expect(out).toContain('app_secret = "********"');
    expect(out).toContain("    app_secret = '********'");
    expect(out).toContain("component_secret = [[********]]");
    expect(out).toContain('sql = { driver = "PostgreSQL", password = "********"; username = "prosody" }');
    expect(out).toContain('ldap_password = "********" -- a comment');
    expect(out).toContain('app_id = "not-secret"');
  });

  it("masks HOCON passwords and secrets: quoted, unquoted, triple-quoted, dotted and quoted keys, colon separators", () => {
    const hocon = [
      "jicofo { xmpp { client { password = \"h1-jicofo\" } } }",
      "      PASSWORD = \"h2-jvb\"",
      "password: h3-unquoted # comment",
      'jicofo.xmpp.client.password = """h4',
      'triple"""',
      '"shared-secret" : "h5-quoted-key",',
      "password = ${?JVB_PASSWORD}",
      'hostname = "127.0.0.1"',
    ].join("\n");
    const out = maskSecretSettings(hocon);
    for (const s of ["h1-jicofo", "h2-jvb", "h3-unquoted", "h4", "triple", "h5-quoted-key"]) expect(out).not.toContain(s);
    expect(out).toContain('password = "********" } } }');
    expect(out).toContain('PASSWORD = "********"');
    expect(out).toContain("password: ******** # comment");
    expect(out).toContain('jicofo.xmpp.client.password = """********"""');
    expect(out).toContain("password = ${?JVB_PASSWORD}");
    expect(out).toContain('hostname = "127.0.0.1"');
  });
});

describe("secretSafeDiff", () => {
  const OLD = "OLD-distinctive-s3cret-0a1b2c3d4e5f60718293";
  const NEW = "NEW-distinctive-s3cret-9f8e7d6c5b4a39281706";

  it("masks the old and the new app_secret after a rotation, even when the run knows neither; the line still shows as changed", () => {
    const diff = secretSafeDiff("/etc/prosody/conf.d/x.cfg.lua", renderProsodyConfig({ ...PROSODY, appSecret: OLD }), renderProsodyConfig({ ...PROSODY, appSecret: NEW }), []);
    expect(diff).not.toMatch(/distinctive/);
    expect(diff).toContain('-    app_secret = "******** (old)"');
    expect(diff).toContain('+    app_secret = "******** (new)"');
  });

  it("masks the focus and bridge passwords in jicofo.conf and jvb.conf on both sides", () => {
    const j = (pw: string) => renderJicofoProvision({ domain: "meet.example.com", prosodyAddress: "127.0.0.1", focusPassword: pw });
    const v = (pw: string) => renderJvbProvision({ domain: "meet.example.com", xmppServer: "127.0.0.1", username: "jvb", password: pw, nickname: "jvb-provision" });
    for (const [path, render] of [["/etc/jicofo/provision.conf", j], ["/etc/jitsi-videobridge/provision.conf", v]] as const) {
      const diff = secretSafeDiff(path, render(OLD), render(NEW), []);
      expect(diff).not.toMatch(/distinctive/);
      expect(diff).toMatch(/^-\s*[\w.-]*(password|PASSWORD) = "\*{8} \(old\)"$/m);
      expect(diff).toMatch(/^\+\s*[\w.-]*(password|PASSWORD) = "\*{8} \(new\)"$/m);
    }
  });

  it("shows an unchanged secret as ******** and a new file's as ********", () => {
    const same = secretSafeDiff("/x.cfg.lua", `app_secret = "${OLD}"\nx = 1\n`, `app_secret = "${OLD}"\nx = 2\n`, []);
    expect(same).toContain(' app_secret = "********"');
    expect(same).not.toContain(OLD);
    const created = secretSafeDiff("/x.cfg.lua", null, `app_secret = "${NEW}"\n`, []);
    expect(created).toContain('+app_secret = "********"');
  });

  it("also masks a secret value where it appears outside a setting, and the known secrets", () => {
    const diff = secretSafeDiff("/x.cfg.lua", `-- was ${OLD}\napp_secret = "${OLD}"\n`, `app_secret = "${NEW}"\nnote = "hunter2-known"\n`, ["hunter2-known"]);
    expect(diff).not.toMatch(/distinctive|hunter2/);
  });

  it("never shows a hostile old or new secret rendered into the Prosody file, jicofo.conf or jvb.conf, knowing neither", () => {
    for (const s of HOSTILE_STRINGS.filter((x) => x.length >= 3)) {
      const old = `OLD${s}`;
      const neu = `NEW${s}x`;
      const files: [string, string, string][] = [
        ["/etc/prosody/conf.d/x.cfg.lua", renderProsodyConfig({ ...PROSODY, appSecret: old }), renderProsodyConfig({ ...PROSODY, appSecret: neu })],
        ["/etc/jicofo/provision.conf", renderJicofoProvision({ domain: "meet.example.com", prosodyAddress: "127.0.0.1", focusPassword: old }), renderJicofoProvision({ domain: "meet.example.com", prosodyAddress: "127.0.0.1", focusPassword: neu })],
        ["/etc/jitsi-videobridge/provision.conf", renderJvbProvision({ domain: "meet.example.com", xmppServer: "127.0.0.1", username: "jvb", password: old, nickname: "jvb-provision" }), renderJvbProvision({ domain: "meet.example.com", xmppServer: "127.0.0.1", username: "jvb", password: neu, nickname: "jvb-provision" })],
      ];
      for (const [path, before, after] of files) {
        const diff = secretSafeDiff(path, before, after, []);
        for (const f of [...secretForms(old), ...secretForms(neu)]) expect(diff.includes(f), `${path} ${JSON.stringify(s)}`).toBe(false);
        expect(diff).toContain("******** (new)");
      }
    }
  });
});
