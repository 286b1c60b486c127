import { describe, expect, it } from "vitest";
import { BEGIN_MARKER, editJicofo, readJicofo, type JicofoParams } from "./jicofo.js";
import { expectGolden, fixture } from "../../test/support/render/golden.js";

const P: JicofoParams = { domain: "meet.example.com", prosodyAddress: "127.0.0.1", focusPassword: "golden-FAKE-focus-pw" };
const FIXTURES = ["jicofo.conf.postinst", "jicofo.conf.hand-edited", "jicofo.conf.braced"];

// The checks with the real typesafe-config parser are in jicofo.local.test.ts.

describe("readJicofo", () => {
  it("reads the focus password the package wrote, with HOCON semantics", () => {
    expect(readJicofo(fixture("jicofo.conf.postinst")).focusPassword).toBe("pkg-FAKE-focus-pw");
    expect(readJicofo(fixture("jicofo.conf.braced")).focusPassword).toBe("pkg-FAKE-braced");
    const hand = readJicofo(fixture("jicofo.conf.hand-edited"));
    expect(hand.focusPassword).toBe("pkg-FAKE-later-wins"); // later dotted key overrides the object
    expect(hand.authType).toBe("NONE");
    expect(hand.authEnabled).toBe(false);
    expect(hand.port).toBe(5222);
    expect(hand.includes).toEqual(["jicofo_default.conf"]);
  });

  it("returns no password when there is none or it comes from the environment", () => {
    expect(readJicofo("jicofo { xmpp.client.username = focus }").focusPassword).toBeUndefined();
    expect(readJicofo("jicofo.xmpp.client.password = ${?FOCUS_PW}").focusPassword).toBeUndefined();
    expect(readJicofo("jicofo.xmpp.client.password = ${FOCUS_PW}").focusPassword).toBeUndefined();
    expect(readJicofo("").focusPassword).toBeUndefined();
  });

  it("reads unquoted and numeric passwords as jicofo's getString would", () => {
    expect(readJicofo("jicofo.xmpp.client.password = abc def").focusPassword).toBe("abc def");
    expect(readJicofo("jicofo.xmpp.client.password = 12345").focusPassword).toBe("12345");
  });

  it("names the file and the fix on bad syntax, without echoing contents", () => {
    expect(() => readJicofo('jicofo.xmpp.client.password = "s3cr3t\n')).toThrow(/jicofo\.conf: line 1: .*fix the HOCON syntax/);
    expect(() => readJicofo('jicofo.xmpp.client.password = "s3cr3t\n')).not.toThrow(/s3cr3t/);
  });
});

describe("editJicofo", () => {
  it("matches the golden file for the postinst-style config", () => {
    expectGolden("jicofo.conf.postinst.edited", editJicofo(fixture("jicofo.conf.postinst"), P));
  });

  it("keeps every byte the package wrote and only adds the block", () => {
    const post = fixture("jicofo.conf.postinst");
    const out = editJicofo(post, P);
    expect(out.startsWith(post)).toBe(true);
    const braced = fixture("jicofo.conf.braced");
    const b = editJicofo(braced, P);
    const close = braced.lastIndexOf("}");
    expect(b.startsWith(braced.slice(0, close))).toBe(true);
    expect(b.endsWith(braced.slice(close))).toBe(true);
  });

  it("is idempotent, and a new password replaces the block in place", () => {
    for (const name of FIXTURES) {
      const once = editJicofo(fixture(name), P);
      expect(editJicofo(once, P), name).toBe(once);
      const other = editJicofo(once, { ...P, focusPassword: "other-FAKE" });
      expect(other.split(BEGIN_MARKER).length, name).toBe(2);
      expect(readJicofo(other).focusPassword).toBe("other-FAKE");
      expect(editJicofo(other, P)).toBe(once);
    }
  });

  it("agrees with readJicofo on what it wrote", () => {
    const r = readJicofo(editJicofo(fixture("jicofo.conf.hand-edited"), P));
    expect(r).toMatchObject({
      focusPassword: P.focusPassword,
      authEnabled: true,
      authType: "JWT",
      loginUrl: "meet.example.com",
      hostname: "127.0.0.1",
      port: 5222,
      clientDomain: "auth.meet.example.com",
      xmppDomain: "meet.example.com",
      username: "focus",
      conferenceMucJid: "conference.meet.example.com",
      clientProxy: "focus.meet.example.com",
      breweryJid: "JvbBrewery@internal.auth.meet.example.com",
    });
  });

  it("works on an empty file", () => {
    const out = editJicofo("", P);
    expect(readJicofo(out).focusPassword).toBe(P.focusPassword);
  });

  it("refuses a damaged managed block", () => {
    const once = editJicofo(fixture("jicofo.conf.postinst"), P);
    const noEnd = once.replace(/# END provision-managed\n/, "");
    expect(() => editJicofo(noEnd, P)).toThrow(/managed block is damaged/);
  });

  it("refuses when a setting after the block would override ours, naming the key but not the value", () => {
    const once = editJicofo(fixture("jicofo.conf.postinst"), P);
    const overridden = `${once}jicofo.xmpp.client.password = "attacker-FAKE"\njicofo.authentication.type = NONE\n`;
    expect(() => editJicofo(overridden, P)).toThrow(/override jicofo\.authentication\.type, jicofo\.xmpp\.client\.password/);
    expect(() => editJicofo(overridden, P)).not.toThrow(/attacker|golden-FAKE/);
  });

  it("refuses a file it cannot parse", () => {
    expect(() => editJicofo("jicofo {\n", P)).toThrow(/jicofo\.conf: line \d+: missing closing \}/);
  });
});
