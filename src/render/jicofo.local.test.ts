// The package's jicofo.conf with our include line + our provision.conf, resolved by the real typesafe-config library
// (Java; test/setup.sh installs it) as jicofo loads -Dconfig.file; the pure tests are in jicofo.test.ts.
import { describe, expect, it } from "vitest";
import { editJicofoConf, existingFocusPassword, expectedJicofoValues, renderJicofoProvision, type JicofoParams } from "./jicofo.js";
import { fixture } from "../../test/support/render/golden.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";
import { merge, nest, ok, type Json } from "../../test/support/render/json-tree.js";
import { parseDirsWithTypesafe, type HoconDir } from "../../test/support/render/typesafe-config.js";

const P: JicofoParams = { domain: "meet.example.com", prosodyAddress: "127.0.0.1", focusPassword: "golden-FAKE-focus-pw" };
const FIXTURES = ["jicofo.conf.postinst", "jicofo.conf.hand-edited", "jicofo.conf.braced"];
const alone = (conf: string): HoconDir => ({ main: "jicofo.conf", files: { "jicofo.conf": conf } });
const provisioned = (conf: string, p = P): HoconDir => ({
  main: "jicofo.conf",
  files: { "jicofo.conf": editJicofoConf(conf), "provision.conf": renderJicofoProvision(p) },
});
type Client = { jicofo: { xmpp: { client: Json; "trusted-domains": unknown } } };

describe("jicofo.conf including provision.conf", () => {
  it("resolves to the package's settings overlaid with exactly ours, the package's other keys kept", () => {
    const java = parseDirsWithTypesafe([...FIXTURES.map((n) => alone(fixture(n))), ...FIXTURES.map((n) => provisioned(fixture(n)))]);
    const ours = nest(expectedJicofoValues(P));
    FIXTURES.forEach((name, k) => {
      const before = ok(java[k]);
      const after = ok(java[k + FIXTURES.length]);
      expect(after, name).toEqual(merge(before, ours));
      expect((after as Client).jicofo.xmpp["trusted-domains"], name).toEqual((before as Client).jicofo.xmpp["trusted-domains"]);
    });
  }, 60_000);

  it("an operator's later edit in jicofo.conf: a key we own is overridden by ours, any other key is kept", () => {
    const once = editJicofoConf(fixture("jicofo.conf.postinst"));
    // Edits above our line (where the package's settings are), and one appended after it that the next run moves past.
    const edited = once.replace("jicofo {", 'jicofo {\n  authentication.type = NONE\n  conference.max-ssrcs-per-user = 7\n') +
      'jicofo.xmpp.client.password = "operator-FAKE"\n';
    const [before, after] = parseDirsWithTypesafe([
      { main: "jicofo.conf", files: { "jicofo.conf": edited, "provision.conf": renderJicofoProvision(P) } },
      provisioned(edited),
    ]);
    // As the operator left it, the appended line wins (which is why a run puts our line last again) ...
    expect((ok(before) as Client).jicofo.xmpp.client.password).toBe("operator-FAKE");
    // ... and after the next run, ours has the last word; the operator's other setting stays.
    const root = ok(after) as Client & { jicofo: { authentication: Json; conference: Json } };
    expect(root.jicofo.xmpp.client.password).toBe(P.focusPassword);
    expect(root.jicofo.authentication.type).toBe("JWT");
    expect(root.jicofo.conference["max-ssrcs-per-user"]).toBe(7);
  }, 60_000);

  it("a migrated host (old managed block removed, our file added) resolves exactly as a fresh one, with the same password, and as before but for the settings added since", () => {
    const old = fixture("jicofo.conf.postinst.old-block");
    const kept = existingFocusPassword(null, old)!;
    const [fresh, migrated, before] = parseDirsWithTypesafe([
      provisioned(fixture("jicofo.conf.postinst")),
      provisioned(old, { ...P, focusPassword: kept }),
      alone(old),
    ]);
    expect(ok(migrated)).toEqual(ok(fresh));
    // The running jicofo sees no difference but the REST address, written since the managed block.
    const since = structuredClone(ok(migrated)) as { jicofo: Record<string, unknown> };
    expect(since.jicofo.rest).toEqual({ host: P.prosodyAddress, port: 8888 });
    delete since.jicofo.rest;
    expect(since).toEqual(ok(before));
  }, 60_000);

  it("refuses to resolve when our file is missing (required include): jicofo would not start without JWT", () => {
    const [r] = parseDirsWithTypesafe([alone(editJicofoConf(fixture("jicofo.conf.postinst")))]);
    expect(r).toHaveProperty("error");
    expect((r as { error: string }).error).toMatch(/provision\.conf/);
  }, 60_000);

  it("round-trips hostile values exactly through typesafe-config and existingFocusPassword", () => {
    const java = parseDirsWithTypesafe(HOSTILE_STRINGS.map((s) => provisioned(fixture("jicofo.conf.postinst"), { domain: s, prosodyAddress: s, focusPassword: s })));
    HOSTILE_STRINGS.forEach((s, k) => {
      const root = ok(java[k]) as Client & { jicofo: { authentication: Json } };
      expect(root.jicofo.xmpp.client.password, `#${k}`).toBe(s);
      expect(root.jicofo.xmpp.client.hostname, `#${k}`).toBe(s);
      expect(root.jicofo.authentication["login-url"], `#${k}`).toBe(s);
      expect(root.jicofo.xmpp["trusted-domains"]).toEqual(["recorder.meet.example.com"]);
      expect(existingFocusPassword(renderJicofoProvision({ ...P, focusPassword: s }), null), `#${k}`).toBe(s);
    });
  }, 60_000);
});
