import { describe, expect, it } from "vitest";
import { hoconString } from "./hocon.js";
import { HOSTILE_STRINGS } from "./testing/hostile.js";
import { parseWithTypesafe } from "./testing/typesafe-config.js";

describe("hoconString", () => {
  it("follows JSON string rules", () => {
    expect(hoconString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(hoconString("x\ny\u0000")).toBe('"x\\ny\\u0000"');
    expect(hoconString("${a}")).toBe('"${a}"');
    for (const s of HOSTILE_STRINGS) expect(JSON.parse(hoconString(s))).toBe(s);
  });

  it("produces one line for every hostile string", () => {
    for (const s of HOSTILE_STRINGS) expect(hoconString(s)).not.toMatch(/[\n\r\u2028\u2029]/);
  });

  it("round-trips every hostile string through the real typesafe-config parser", () => {
    const docs = HOSTILE_STRINGS.map((s) => `a.b = ${hoconString(s)}\nafter = 1 // comment\n`);
    const results = parseWithTypesafe(docs);
    HOSTILE_STRINGS.forEach((s, k) => {
      const r = results[k]!;
      expect(r, `string #${k}`).toHaveProperty("ok");
      if ("ok" in r) expect(r.ok).toEqual({ a: { b: s }, after: 1 });
    });
  }, 60_000);

  it("refuses lone surrogates (no UTF-8 form; Prosody would store different bytes)", () => {
    expect(() => hoconString("a\ud800")).toThrow(/surrogate/);
  });

  it("the helper really reports parse errors (so the round-trip test can fail)", () => {
    const [r] = parseWithTypesafe(['a = "unterminated\n']);
    expect(r).toHaveProperty("error");
  }, 60_000);
});
