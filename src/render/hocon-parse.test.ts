import { describe, expect, it } from "vitest";
import { HoconSyntaxError, HoconUnresolved, parseHocon } from "./hocon-parse.js";

// The comparisons with the real typesafe-config parser are in hocon-parse.local.test.ts.

describe("parseHocon details", () => {
  it("records include statements without following them", () => {
    expect(parseHocon('include "a.conf"\ninclude required(file("/etc/b.conf"))\nx = 1').includes).toEqual(["a.conf", "/etc/b.conf"]);
  });

  it("marks substitutions it cannot know as unresolved", () => {
    expect(parseHocon("a = ${HOME}").root.a).toBeInstanceOf(HoconUnresolved);
  });

  it("reports the line of a syntax error without echoing the text", () => {
    try {
      parseHocon('a = 1\nsecret = "s3cr3t-value\n');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(/^line 2:/);
      expect((e as Error).message).not.toContain("s3cr3t");
    }
  });

  it("gives the offset of a braced root's closing brace", () => {
    const text = "{\n a = 1\n}\n";
    expect(parseHocon(text).rootCloseOffset).toBe(text.lastIndexOf("}"));
    expect(parseHocon("a = 1").rootCloseOffset).toBeUndefined();
  });
});
