import { describe, expect, it } from "vitest";
import { editJvbConf, existingJvbPassword, JVB_INCLUDE, renderJvbProvision, type JvbParams } from "./jvb.js";
import { expectGolden, fixture } from "../../test/support/render/golden.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";

const P: JvbParams = { domain: "meet.example.com", xmppServer: "127.0.0.1", username: "jvb", password: "golden-FAKE-jvb-pw", nickname: "jvb-provision" };

// The checks with the real typesafe-config library are in jvb.local.test.ts.

describe("renderJvbProvision", () => {
  it("matches the golden file", () => {
    expectGolden("jvb.provision.conf", renderJvbProvision(P));
  });

  it("keeps one key per line whatever the values hold", () => {
    const lines = renderJvbProvision({ ...P, nat: { localAddress: "10.0.0.2", publicAddress: "192.0.2.7" } }).split("\n").length;
    for (const s of HOSTILE_STRINGS) {
      expect(renderJvbProvision({ domain: s, xmppServer: s, username: s, password: s, nickname: s, nat: { localAddress: s, publicAddress: s } }).split("\n").length, JSON.stringify(s)).toBe(lines);
    }
  });
});

describe("renderJvbProvision for a videobridge host behind NAT", () => {
  it("matches the golden file: its own account, nickname, XMPP server and the static mapping", () => {
    expectGolden("jvb.provision.remote.conf", renderJvbProvision({ domain: "meet.example.com", xmppServer: "xmpp.example.com", username: "jvb-jvb1", password: "golden-FAKE-remote-pw", nickname: "jvb1", nat: { localAddress: "10.0.0.2", publicAddress: "192.0.2.7" } }));
  });
});

describe("editJvbConf", () => {
  it("matches the golden file: the package's file, untouched, and our include line at the end", () => {
    const pkg = fixture("jvb.conf.sandbox");
    const out = editJvbConf(pkg);
    expectGolden("jvb.conf.sandbox.included", out);
    expect(out.startsWith(pkg.trimEnd())).toBe(true);
    expect(out.split(JVB_INCLUDE).length).toBe(2);
  });

  it("migrates a host provisioned with the managed block: the block goes, the package's text is back as it was", () => {
    const migrated = editJvbConf(fixture("jvb.conf.sandbox.old-block"));
    expect(migrated).toBe(editJvbConf(fixture("jvb.conf.sandbox")));
    expect(migrated).not.toMatch(/provision-managed|golden-FAKE/);
  });

  it("is idempotent on every fixture", () => {
    for (const name of ["jvb.conf.sandbox", "jvb.conf.hand-edited", "jvb.conf.braced", "jvb.conf.reference-style", "jvb.conf.sandbox.old-block"]) {
      const once = editJvbConf(fixture(name));
      expect(editJvbConf(once), name).toBe(once);
    }
  });
});

describe("existingJvbPassword", () => {
  it("reads our file, else the old managed block of a migrated host, else nothing", () => {
    expect(existingJvbPassword(renderJvbProvision(P), null)).toBe(P.password);
    expect(existingJvbPassword(renderJvbProvision({ ...P, password: "ours-FAKE" }), fixture("jvb.conf.sandbox.old-block"))).toBe("ours-FAKE");
    expect(existingJvbPassword(null, fixture("jvb.conf.sandbox.old-block"))).toBe("golden-FAKE-jvb-pw");
    expect(existingJvbPassword(null, fixture("jvb.conf.sandbox"))).toBeUndefined();
    expect(existingJvbPassword(null, null)).toBeUndefined();
  });

  it("round-trips every hostile password through our file", () => {
    for (const s of HOSTILE_STRINGS) expect(existingJvbPassword(renderJvbProvision({ ...P, password: s }), null), JSON.stringify(s)).toBe(s);
  });
});
