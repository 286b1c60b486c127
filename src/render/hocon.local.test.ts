// Round trips through the real typesafe-config parser (Java; test/setup.sh installs it); the pure tests are in hocon.test.ts.
import { describe, expect, it } from "vitest";
import { hoconString } from "./hocon.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";
import { parseWithTypesafe } from "../../test/support/render/typesafe-config.js";

describe("hoconString", () => {
  it("round-trips every hostile string through the real typesafe-config parser", () => {
    const docs = HOSTILE_STRINGS.map((s) => `a.b = ${hoconString(s)}\nafter = 1 // comment\n`);
    const results = parseWithTypesafe(docs);
    HOSTILE_STRINGS.forEach((s, k) => {
      const r = results[k]!;
      expect(r, `string #${k}`).toHaveProperty("ok");
      if ("ok" in r) expect(r.ok).toEqual({ a: { b: s }, after: 1 });
    });
  }, 60_000);

  it("the helper really reports parse errors (so the round-trip test can fail)", () => {
    const [r] = parseWithTypesafe(['a = "unterminated\n']);
    expect(r).toHaveProperty("error");
  }, 60_000);
});
