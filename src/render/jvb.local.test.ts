// The package's jvb.conf with our include line + our provision.conf, resolved by the real typesafe-config library
// (Java; test/setup.sh installs it) as the bridge loads -Dconfig.file; the pure tests are in jvb.test.ts.
import { describe, expect, it } from "vitest";
import { editJvbConf, existingJvbPassword, expectedJvbValues, renderJvbProvision, type JvbParams } from "./jvb.js";
import { fixture } from "../../test/support/render/golden.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";
import { merge, nest, ok, type Json } from "../../test/support/render/json-tree.js";
import { parseDirsWithTypesafe, type HoconDir } from "../../test/support/render/typesafe-config.js";

const P: JvbParams = { domain: "meet.example.com", xmppServer: "127.0.0.1", username: "jvb", password: "golden-FAKE-jvb-pw", nickname: "jvb-provision" };
const FIXTURES = ["jvb.conf.sandbox", "jvb.conf.reference-style", "jvb.conf.hand-edited", "jvb.conf.braced"];
const alone = (conf: string): HoconDir => ({ main: "jvb.conf", files: { "jvb.conf": conf } });
const provisioned = (conf: string, p = P): HoconDir => ({ main: "jvb.conf", files: { "jvb.conf": editJvbConf(conf), "provision.conf": renderJvbProvision(p) } });

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

describe("jvb.conf including provision.conf", () => {
  it("resolves to the package's settings overlaid with exactly ours; the operator's other connection is kept", () => {
    const java = parseDirsWithTypesafe([...FIXTURES.map((n) => alone(fixture(n))), ...FIXTURES.map((n) => provisioned(fixture(n)))]);
    const ours = nest(expectedJvbValues(P));
    FIXTURES.forEach((name, k) => {
      const before = ok(java[k]);
      const after = ok(java[k + FIXTURES.length]);
      expect(after, name).toEqual(merge(before, ours));
      expect(asBridge(configs(after).provision!), name).toMatchObject({
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
    const hand = ok(java[FIXTURES.indexOf("jvb.conf.hand-edited") + FIXTURES.length]);
    expect(configs(hand).shard2!.PASSWORD).toBe("pkg-FAKE-shard2");
    expect(configs(hand).provision!.IQ_HANDLER_MODE).toBe("sync");
  }, 60_000);

  it("an operator's PASSWORD for our connection in jvb.conf is overridden by ours", () => {
    const edited = editJvbConf(fixture("jvb.conf.sandbox")).replace("videobridge {", 'videobridge {\n  apis.xmpp-client.configs.provision.PASSWORD = "operator-FAKE"');
    const [r] = parseDirsWithTypesafe([{ main: "jvb.conf", files: { "jvb.conf": edited, "provision.conf": renderJvbProvision(P) } }]);
    expect(configs(ok(r)).provision!.PASSWORD).toBe(P.password);
  }, 60_000);

  it("a migrated host (old managed block removed, our file added) resolves exactly as before (but for the media port written since), with the same password", () => {
    const old = fixture("jvb.conf.sandbox.old-block");
    const [migrated, before] = parseDirsWithTypesafe([provisioned(old, { ...P, password: existingJvbPassword(null, old)! }), alone(old)]);
    // As before but for the media port, written since the managed block.
    const since = structuredClone(ok(migrated)) as { videobridge: Record<string, unknown> & { ice: { udp: { port: number } } } };
    expect(since.videobridge.ice.udp.port).toBe(10000);
    expect((ok(before) as { videobridge: Record<string, unknown> }).videobridge.ice).toBeUndefined();
    delete (since.videobridge as Record<string, unknown>).ice;
    expect(since).toEqual(ok(before));
  }, 60_000);

  it("round-trips hostile values exactly through typesafe-config and existingJvbPassword", () => {
    const java = parseDirsWithTypesafe(HOSTILE_STRINGS.map((s) => provisioned(fixture("jvb.conf.sandbox"), { domain: s, xmppServer: s, username: s, password: s, nickname: s, nat: { localAddress: s, publicAddress: s } })));
    HOSTILE_STRINGS.forEach((s, k) => {
      const root = ok(java[k]);
      expect(Object.keys(configs(root)), `#${k}`).toEqual(["provision"]);
      expect(asBridge(configs(root).provision!), `#${k}`).toMatchObject({ PASSWORD: s, HOSTNAME: s, DOMAIN: `auth.${s}`, USERNAME: s, MUC_NICKNAME: s });
      const mapping = ((root.ice4j as { harvest: { mapping: Record<string, Json[]> } }).harvest.mapping["static-mappings"]![0]) as Record<string, string>;
      expect(mapping, `#${k}`).toMatchObject({ "local-address": s, "public-address": s });
      expect((root.videobridge as { websockets: Json }).websockets.domain).toBe("localhost:443");
      expect(existingJvbPassword(renderJvbProvision({ ...P, password: s }), null), `#${k}`).toBe(s);
    });
  }, 60_000);
});
