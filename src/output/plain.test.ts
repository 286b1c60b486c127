import { describe, expect, it } from "vitest";
import { hostPrefix, plainSink, prefixLines } from "./plain.js";

describe("plain progress lines", () => {
  it("start with the host, padded to the longest name", () => {
    expect(hostPrefix("a", 0)).toBe("[a] ");
    expect(hostPrefix("a", 16)).toBe("[a]" + " ".repeat(15) + " ");
    const out: string[] = [];
    const sink = plainSink(["meet.example.org", "b"], (t) => out.push(t));
    sink("b", "connecting");
    sink("meet.example.org", "preflight: unchanged (1.2 s)");
    expect(out.join("")).toBe("[b]                connecting\n[meet.example.org] preflight: unchanged (1.2 s)\n");
  });

  it("prefix every line of a multi-line message, and no trailing blank line", () => {
    expect(prefixLines("h", "one\ntwo\n\nfour\n")).toBe("[h] one\n[h] two\n[h]\n[h] four");
  });
});
