import { describe, expect, it } from "vitest";
import { redact } from "./redact.js";

describe("redact", () => {
  it("masks raw and escaped forms of every secret", () => {
    const s = 'pa"ss\\word-0123456789';
    const text = `raw ${s} json ${JSON.stringify(s)} lua "pa\\"ss\\\\word-0123456789"`;
    const out = redact(text, [s]);
    expect(out).not.toContain("word-0123456789");
    expect(out.match(/\*{8}/g)?.length).toBe(3);
  });
  it("leaves text without secrets alone and ignores very short values", () => {
    expect(redact("nothing here", ["abc", "longer-secret"])).toBe("nothing here");
  });
});
