import { describe, expect, it } from "vitest";
import { BEGIN_MARKER, editJvb, readJvb, type JvbParams } from "./jvb.js";
import { expectGolden, fixture } from "../../test/support/render/golden.js";

const P: JvbParams = { domain: "meet.example.com", prosodyAddress: "127.0.0.1", password: "golden-FAKE-jvb-pw" };
const FIXTURES = ["jvb.conf.sandbox", "jvb.conf.reference-style", "jvb.conf.hand-edited", "jvb.conf.braced"];

// The checks with the real typesafe-config parser are in jvb.local.test.ts.

describe("readJvb", () => {
  it("finds no connection of ours in the package's files", () => {
    for (const name of ["jvb.conf.sandbox", "jvb.conf.reference-style", "jvb.conf.braced"]) {
      expect(readJvb(fixture(name)), name).toMatchObject({ password: undefined, connections: [] });
    }
  });

  it("reads our connection with HOCON semantics, and lists the others", () => {
    const r = readJvb(fixture("jvb.conf.hand-edited"));
    expect(r.password).toBe("pkg-FAKE-old");
    expect(r.connections).toEqual(["shard2", "provision"]);
    expect(r.includes).toEqual(["jvb-local.conf"]);
  });

  it("reads keys case-insensitively, as the bridge does, and gives up when case variants disagree", () => {
    const at = "videobridge.apis.xmpp-client.configs.provision";
    expect(readJvb(`${at}.password = abc`).password).toBe("abc");
    expect(readJvb(`${at}.Password = 12345`).password).toBe("12345");
    expect(readJvb(`${at} { PASSWORD = same, password = same }`).password).toBe("same");
    expect(readJvb(`${at} { PASSWORD = one, password = two }`).password).toBeUndefined();
    expect(readJvb(`${at}.PASSWORD = \${?JVB_PW}`).password).toBeUndefined();
    expect(readJvb("").password).toBeUndefined();
  });

  it("names the file and the fix on bad syntax, without echoing contents", () => {
    const bad = 'videobridge.apis.xmpp-client.configs.provision.PASSWORD = "s3cr3t\n';
    expect(() => readJvb(bad)).toThrow(/jvb\.conf: line 1: .*fix the HOCON syntax by hand \(jitsi-videobridge cannot start/);
    expect(() => readJvb(bad)).not.toThrow(/s3cr3t/);
  });
});

describe("editJvb", () => {
  it("matches the golden file for the package's config", () => {
    expectGolden("jvb.conf.sandbox.edited", editJvb(fixture("jvb.conf.sandbox"), P));
  });

  it("keeps every byte the package wrote and only adds the block", () => {
    for (const name of ["jvb.conf.sandbox", "jvb.conf.reference-style", "jvb.conf.hand-edited"]) {
      const before = fixture(name);
      expect(editJvb(before, P).startsWith(before), name).toBe(true);
    }
    const braced = fixture("jvb.conf.braced");
    const b = editJvb(braced, P);
    const close = braced.lastIndexOf("}");
    expect(b.startsWith(braced.slice(0, close))).toBe(true);
    expect(b.endsWith(braced.slice(close))).toBe(true);
  });

  it("is idempotent, and a new password replaces the block in place", () => {
    for (const name of FIXTURES) {
      const once = editJvb(fixture(name), P);
      expect(editJvb(once, P), name).toBe(once);
      const other = editJvb(once, { ...P, password: "other-FAKE" });
      expect(other.split(BEGIN_MARKER).length, name).toBe(2);
      expect(readJvb(other).password).toBe("other-FAKE");
      expect(editJvb(other, P)).toBe(once);
    }
  });

  it("agrees with readJvb on what it wrote", () => {
    expect(readJvb(editJvb(fixture("jvb.conf.hand-edited"), P))).toMatchObject({
      password: P.password,
      hostname: "127.0.0.1",
      port: 5222,
      domain: "auth.meet.example.com",
      username: "jvb",
      mucJids: "JvbBrewery@internal.auth.meet.example.com",
      mucNickname: "jvb-provision",
      disableCertificateVerification: true,
    });
  });

  it("works on an empty file", () => {
    expect(readJvb(editJvb("", P)).password).toBe(P.password);
  });

  it("refuses a damaged managed block", () => {
    const once = editJvb(fixture("jvb.conf.sandbox"), P);
    expect(() => editJvb(once.replace(/# END provision-managed\n/, ""), P)).toThrow(/jvb\.conf: the provision-managed block is damaged/);
  });

  it("refuses when a setting after the block would override ours, naming the key but not the value", () => {
    const once = editJvb(fixture("jvb.conf.sandbox"), P);
    const overridden = `${once}videobridge.apis.xmpp-client.configs.provision.PASSWORD = "attacker-FAKE"\nvideobridge.apis.xmpp-client.configs.provision.HOSTNAME = evil.example\n`;
    expect(() => editJvb(overridden, P)).toThrow(/override videobridge\.apis\.xmpp-client\.configs\.provision\.HOSTNAME, videobridge\.apis\.xmpp-client\.configs\.provision\.PASSWORD/);
    expect(() => editJvb(overridden, P)).not.toThrow(/attacker|golden-FAKE/);
    expect(() => editJvb(`${once}videobridge.apis.xmpp-client.configs = null\n`, P)).toThrow(/override/);
  });

  it("refuses keys that differ from ours only in case, before or after the block (the bridge would see both)", () => {
    const at = "videobridge.apis.xmpp-client.configs.provision";
    const once = editJvb(fixture("jvb.conf.sandbox"), P);
    expect(() => editJvb(`${once}${at}.password = "attacker-FAKE"\n`, P)).toThrow(/also sets password outside the provision-managed block/);
    expect(() => editJvb(`${at}.muc_jids = "x@y"\n${once}`, P)).toThrow(/also sets muc_jids/);
    expect(() => editJvb(`${once}${at}.password = "attacker-FAKE"\n`, P)).not.toThrow(/attacker/);
  });

  it("refuses a file it cannot parse", () => {
    expect(() => editJvb("videobridge {\n", P)).toThrow(/jvb\.conf: line \d+: missing closing \}/);
  });
});
