// parseHocon compared with the real typesafe-config parser (Java; test/setup.sh installs it); the pure tests are in
// hocon-parse.test.ts.
import { describe, expect, it } from "vitest";
import { HoconSyntaxError, HoconUnresolved, parseHocon, type HoconValue } from "./hocon-parse.js";
import { fixture } from "../../test/support/render/golden.js";
import { parseWithTypesafe } from "../../test/support/render/typesafe-config.js";

/** Documents our parser must resolve exactly like typesafe-config (jicofo's own library). */
const CASES: string[] = [
  'jicofo { xmpp { client { password = "a" } } }\njicofo.xmpp.client.password = b',
  'jicofo.xmpp.client { password: "x\\"y" }',
  "a { b = 1 }\na { c = 2 }",
  "a { b = 1 }\na = 5\na { c = 2 }",
  "a { b { c = 1, d = 2 } }\na.b.d = 3\na.b { e = 4 }",
  'a = "x" // comment\n# c\n b = 1',
  "a = foo bar  baz # trailing comment",
  'a = "x"  y "z"',
  'a = """tri"ple"""',
  'a = """"quoted""""',
  'a = """multi\nline"""',
  'a { b = 1 }, c = 2, d: 3',
  "{ a = 1\n b { c = 2 } }",
  '"a.b" = 1\na.b = 2',
  '"quoted key" = 1\nx."y.z".w = 2',
  "login-url = meet.example.com\nxmpp-domain: auth.meet.example.com",
  "port = 5222\nquoted-port = \"5222\"\nflag = true\nnothing = null\nneg = -3",
  "a = 15 seconds",
  'a = "\\u00e9\\t\\n\\\\ \\/"',
  "arr = [ 1, 2,\n 3\n 4 ]\nempty = []",
  "arr = [ a, b ]\narr += c",
  'base = "meet.example.com"\nmuc = "conference."${base}\nref = ${base}',
  "a = ${?NOT_DEFINED_ANYWHERE_12345}\nb = 1",
  "obj { x = 1 }\ncopy = ${obj} { y = 2 }",
  'a = "${not.a.subst}"',
  'include "does-not-exist.conf"\na = 1',
  "a = [ { x = 1 }, { y = 2 } ]",
  "a.b.c = 1\na.b = { d = 2 }",
  "a = 1,\nb = 2,",
  "b = x//comment\nc = y #c",
  "a : { b : 1 } # x\n// y\na.c : 2",
  "nested { deeper { x = 1 } }\nnested.deeper = { y = 2 }\nnested { deeper.z = 3 }",
  "a = 1.5\nb = 10",
  "emoji = \"😀 grüße\"\nunq = grüße",
];

function toJson(v: HoconValue): unknown {
  if (v instanceof HoconUnresolved) return { unresolved: v.reason };
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJson(x)]));
  return v;
}

describe("parseHocon agrees with typesafe-config", () => {
  const fixtures = ["jicofo.conf.postinst", "jicofo.conf.hand-edited", "jicofo.conf.braced"].map(fixture);
  const docs = [...CASES, ...fixtures];
  it("resolves every case to the same JSON", () => {
    const java = parseWithTypesafe(docs);
    docs.forEach((doc, k) => {
      const j = java[k]!;
      expect(j, `case #${k}: ${doc}`).toHaveProperty("ok");
      if ("ok" in j) expect(toJson(parseHocon(doc).root), `case #${k}: ${doc}`).toEqual(j.ok);
    });
  }, 60_000);

  it("rejects what typesafe-config rejects", () => {
    const bad = ['a = "unterminated', "a = {", "a = [1, 2", "a b c", "{ a = 1 } b = 2", "a = http://host", 'a = "bad \\q escape"', "= 1"];
    const java = parseWithTypesafe(bad);
    bad.forEach((doc, k) => {
      expect(java[k], doc).toHaveProperty("error");
      expect(() => parseHocon(doc), doc).toThrow(HoconSyntaxError);
    });
  }, 60_000);
});
