import { describe, expect, it } from "vitest";
import { hoconSetting, hoconString } from "./hocon.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";

// The round trips through the real typesafe-config parser are in hocon.local.test.ts.

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

  it("refuses lone surrogates (no UTF-8 form; Prosody would store different bytes)", () => {
    expect(() => hoconString("a\ud800")).toThrow(/surrogate/);
  });
});

describe("hoconSetting", () => {
  it("quotes strings through hoconString and writes numbers and booleans bare", () => {
    expect(hoconSetting("a.b", 'x"y')).toBe(`a.b = ${hoconString('x"y')}`);
    expect(hoconSetting("a.port", 5222)).toBe("a.port = 5222");
    expect(hoconSetting("a.on", true)).toBe("a.on = true");
    expect(hoconSetting("a.s", "5222")).toBe('a.s = "5222"');
  });
});
