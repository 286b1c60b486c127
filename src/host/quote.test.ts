import { describe, expect, it } from "vitest";
import { shellJoin, shellQuote } from "./quote.js";

// The round trips through real sh and bash are in quote.local.test.ts.

describe("shellQuote", () => {
  it("keeps safe words bare and quotes empty as ''", () => {
    expect(shellQuote("abc-1.2_/x:y@z%,+")).toBe("abc-1.2_/x:y@z%,+");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("A=b")).toBe("'A=b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it("refuses NUL, which no argv can carry", () => {
    expect(() => shellQuote("a\0b")).toThrow(/NUL/);
    expect(() => shellJoin(["ok", "\0"])).toThrow(/NUL/);
  });

  it("refuses an empty argv", () => {
    expect(() => shellJoin([])).toThrow(/empty/);
  });
});
