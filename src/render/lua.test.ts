import { describe, expect, it } from "vitest";
import { luaList, luaString } from "./lua.js";
import { UsageError } from "../errors.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";

// The round trips through the real lua5.4 are in lua.local.test.ts.

describe("luaString", () => {
  it("escapes quotes, backslashes and control bytes as fixed three-digit escapes", () => {
    expect(luaString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(luaString("x\ny\rz\u0000\u0001\u007f")).toBe('"x\\010y\\013z\\000\\001\\127"');
    expect(luaString("\u00011")).toBe('"\\0011"');
    expect(luaString("grüße")).toBe('"grüße"');
  });

  it("produces a single-line literal for every hostile string", () => {
    for (const s of HOSTILE_STRINGS) expect(luaString(s)).not.toMatch(/[\n\r\u0000]/);
  });

  it("refuses lone surrogates, which have no UTF-8 form", () => {
    expect(() => luaString("a\ud800b")).toThrow(/surrogate/);
    expect(() => luaString("\udc00")).toThrow(/surrogate/);
    expect(() => luaString("a\udbffb")).toThrow(UsageError);
    expect(() => luaString("\ud83d\ude00")).not.toThrow();
  });
});

describe("luaList", () => {
  it("renders a table of escaped strings", () => {
    expect(luaList(["a", 'b"'])).toBe('{ "a"; "b\\"" }');
    expect(luaList([])).toBe("{ }");
  });
});
