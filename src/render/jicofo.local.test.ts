// editJicofo checked with the real typesafe-config parser (Java; test/setup.sh installs it); the pure tests are in
// jicofo.test.ts.
import { describe, expect, it } from "vitest";
import { editJicofo, expectedJicofoValues, readJicofo, type JicofoParams } from "./jicofo.js";
import { fixture } from "../../test/support/render/golden.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";
import { merge, nest, ok, type Json } from "../../test/support/render/json-tree.js";
import { parseWithTypesafe } from "../../test/support/render/typesafe-config.js";

const P: JicofoParams = { domain: "meet.example.com", prosodyAddress: "127.0.0.1", focusPassword: "golden-FAKE-focus-pw" };
const FIXTURES = ["jicofo.conf.postinst", "jicofo.conf.hand-edited", "jicofo.conf.braced"];

describe("editJicofo", () => {
  it("resolves, in the real typesafe-config parser, to the package's settings overlaid with exactly ours", () => {
    const originals = FIXTURES.map(fixture);
    const edited = originals.map((c) => editJicofo(c, P));
    const java = parseWithTypesafe([...originals, ...edited]);
    const ours = nest(expectedJicofoValues(P));
    FIXTURES.forEach((name, k) => {
      const before = ok(java[k]);
      const after = ok(java[k + FIXTURES.length]);
      expect(after, name).toEqual(merge(before, ours));
      // The package's other keys are still there.
      expect((after.jicofo as { xmpp: { "trusted-domains": unknown } }).xmpp["trusted-domains"], name).toEqual(
        (before.jicofo as { xmpp: { "trusted-domains": unknown } }).xmpp["trusted-domains"],
      );
    });
  }, 60_000);

  it("round-trips hostile passwords exactly through typesafe-config and readJicofo", () => {
    const base = fixture("jicofo.conf.postinst");
    const edited = HOSTILE_STRINGS.map((s) => editJicofo(base, { ...P, focusPassword: s }));
    const java = parseWithTypesafe(edited);
    HOSTILE_STRINGS.forEach((s, k) => {
      const root = ok(java[k]) as { jicofo: { xmpp: { client: Json; "trusted-domains": unknown } } };
      expect(root.jicofo.xmpp.client.password, `password #${k}`).toBe(s);
      expect(root.jicofo.xmpp["trusted-domains"]).toEqual(["recorder.meet.example.com"]);
      expect(readJicofo(edited[k]!).focusPassword, `password #${k}`).toBe(s);
    });
  }, 60_000);
});
