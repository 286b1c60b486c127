import { parseExpression } from "@babel/parser";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { jsString } from "./js.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";

const EXTRA = [...HOSTILE_STRINGS, "lone \ud800 high", "lone \udc00 low", "\u0080\u009f", "<</", "<!---->"];

describe("jsString", () => {
  it("escapes quotes, backslashes, line terminators and script-closing sequences", () => {
    expect(jsString(`a'b"c\\`)).toBe(`'a\\'b\\"c\\\\'`);
    expect(jsString("</script>")).toBe("'<\\/script>'");
    expect(jsString("a\u2028b")).toBe("'a\\u2028b'");
    expect(jsString("\n\r\u0000")).toBe("'\\n\\r\\x00'");
  });

  it("round-trips through Node's evaluator (new Function and vm)", () => {
    for (const s of EXTRA) {
      const lit = jsString(s);
      expect(new Function(`return ${lit};`)()).toBe(s);
      expect(vm.runInNewContext(`var config = { v: ${lit} }; config.v`)).toBe(s);
    }
  });

  it("parses with @babel/parser as one StringLiteral with the same value", () => {
    for (const s of EXTRA) {
      const node = parseExpression(jsString(s));
      expect(node.type).toBe("StringLiteral");
      if (node.type === "StringLiteral") expect(node.value).toBe(s);
    }
  });

  it("is safe inside an HTML <script> element and on one line", () => {
    for (const s of EXTRA) {
      const lit = jsString(s);
      expect(lit).not.toMatch(/<\/|<!--|[\n\r\u2028\u2029]/i);
      expect(lit.toLowerCase()).not.toContain("</script");
    }
  });
});
