// Round trips through the real lua5.4 (test/setup.sh installs it); the pure tests are in lua.test.ts.
import { describe, expect, it } from "vitest";
import { luaList, luaString } from "./lua.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";
import { runLua } from "../../test/support/render/run-lua.js";

describe("luaString", () => {
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
});

describe("luaList", () => {
  it("is a valid Lua table whose elements round-trip", () => {
    const vals = ["x", "y;z", "}", '"', "\n"];
    const out = runLua(`local t = ${luaList(vals)}\nio.write(#t, "|", table.concat(t, "\\0"))`);
    expect(out.toString("utf8")).toBe(`${vals.length}|${vals.join("\u0000")}`);
  });
});
