import { describe, expect, it } from "vitest";
import { luaList, luaString } from "./lua.js";
import { HOSTILE_STRINGS } from "./testing/hostile.js";
import { runLua } from "./testing/run-lua.js";

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

  it("round-trips every hostile string byte for byte through lua5.4", () => {
    // One interpreter run: write each literal's bytes, separated by a length prefix so NULs and newlines survive.
    const body = HOSTILE_STRINGS.map((s) => `emit(${luaString(s)})`).join("\n");
    const out = runLua(`local function emit(s) io.write(#s, ":", s) end\n${body}\n`);
    const got: Buffer[] = [];
    let i = 0;
    while (i < out.length) {
      const colon = out.indexOf(0x3a, i);
      const n = Number(out.subarray(i, colon).toString("ascii"));
      got.push(out.subarray(colon + 1, colon + 1 + n));
      i = colon + 1 + n;
    }
    expect(got.length).toBe(HOSTILE_STRINGS.length);
    HOSTILE_STRINGS.forEach((s, k) => expect(got[k]!.equals(Buffer.from(s, "utf8")), `string #${k}`).toBe(true));
  });

  it("round-trips a single literal via io.write exactly", () => {
    const s = 'ab"\\\n\r\u0000]]--${a}</script>😀';
    expect(runLua(`io.write(${luaString(s)})`).equals(Buffer.from(s, "utf8"))).toBe(true);
  });

  it("refuses lone surrogates, which have no UTF-8 form", () => {
    expect(() => luaString("a\ud800b")).toThrow(/surrogate/);
    expect(() => luaString("\udc00")).toThrow(/surrogate/);
  });
});

describe("luaList", () => {
  it("renders a table of escaped strings", () => {
    expect(luaList(["a", 'b"'])).toBe('{ "a"; "b\\"" }');
    expect(luaList([])).toBe("{ }");
  });

  it("is a valid Lua table whose elements round-trip", () => {
    const vals = ["x", "y;z", "}", '"', "\n"];
    const out = runLua(`local t = ${luaList(vals)}\nio.write(#t, "|", table.concat(t, "\\0"))`);
    expect(out.toString("utf8")).toBe(`${vals.length}|${vals.join("\u0000")}`);
  });
});
