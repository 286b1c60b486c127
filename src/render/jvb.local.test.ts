// editJvb checked with the real typesafe-config parser (Java; test/setup.sh installs it); the pure tests are in jvb.test.ts.
import { describe, expect, it } from "vitest";
import { editJvb, expectedJvbValues, readJvb, type JvbParams } from "./jvb.js";
import { fixture } from "../../test/support/render/golden.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";
import { merge, nest, ok, type Json } from "../../test/support/render/json-tree.js";
import { parseWithTypesafe } from "../../test/support/render/typesafe-config.js";

const P: JvbParams = { domain: "meet.example.com", prosodyAddress: "127.0.0.1", password: "golden-FAKE-jvb-pw" };
const FIXTURES = ["jvb.conf.sandbox", "jvb.conf.reference-style", "jvb.conf.hand-edited", "jvb.conf.braced"];

/** The connections object as the bridge sees it (videobridge.apis.xmpp-client.configs). */
function configs(root: Json): Record<string, Json> {
  const vb = root.videobridge as { apis: { "xmpp-client": { configs: Record<string, Json> } } };
  return vb.apis["xmpp-client"].configs;
}
/**
 * What the bridge does with a connection (XmppClientConnectionConfig + MucClientConfiguration): every key upper-cased,
 * every value unwrapped and turned into a string.
 */
function asBridge(conn: Json): Record<string, string> {
  return Object.fromEntries(Object.entries(conn).map(([k, v]) => [k.toUpperCase(), String(v)]));
}

describe("editJvb", () => {
  it("resolves, in the real typesafe-config parser, to the package's settings overlaid with exactly ours", () => {
    const originals = FIXTURES.map(fixture);
    const edited = originals.map((c) => editJvb(c, P));
    const java = parseWithTypesafe([...originals, ...edited]);
    const ours = nest(expectedJvbValues(P));
    FIXTURES.forEach((name, k) => {
      const before = ok(java[k]);
      const after = ok(java[k + FIXTURES.length]);
      expect(after, name).toEqual(merge(before, ours));
      // What the bridge builds from it: our connection is complete and says exactly this.
      const conn = asBridge(configs(after).provision!);
      expect(conn, name).toMatchObject({
        HOSTNAME: "127.0.0.1",
        PORT: "5222",
        DOMAIN: "auth.meet.example.com",
        USERNAME: "jvb",
        PASSWORD: P.password,
        MUC_JIDS: "JvbBrewery@internal.auth.meet.example.com",
        MUC_NICKNAME: "jvb-provision",
        DISABLE_CERTIFICATE_VERIFICATION: "true",
      });
    });
    // The operator's other connection and our connection's extra key are kept.
    const hand = ok(java[FIXTURES.indexOf("jvb.conf.hand-edited") + FIXTURES.length]);
    expect(configs(hand).shard2!.PASSWORD).toBe("pkg-FAKE-shard2");
    expect(configs(hand).provision!.IQ_HANDLER_MODE).toBe("sync");
  }, 60_000);

  it("round-trips hostile passwords exactly through typesafe-config and readJvb", () => {
    const base = fixture("jvb.conf.sandbox");
    const edited = HOSTILE_STRINGS.map((s) => editJvb(base, { ...P, password: s }));
    const java = parseWithTypesafe(edited);
    HOSTILE_STRINGS.forEach((s, k) => {
      const root = ok(java[k]);
      const all = configs(root);
      expect(Object.keys(all), `password #${k}`).toEqual(["provision"]);
      expect(asBridge(all.provision!).PASSWORD, `password #${k}`).toBe(s);
      expect((root.videobridge as { websockets: Json }).websockets.domain).toBe("localhost:443");
      expect(readJvb(edited[k]!).password, `password #${k}`).toBe(s);
    });
  }, 60_000);
});
