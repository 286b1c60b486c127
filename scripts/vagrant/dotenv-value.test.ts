import { parse } from "dotenv";
import { describe, expect, it } from "vitest";
import { ProvisionError } from "../../src/errors.js";
import { dotenvLine, dotenvValue } from "./dotenv-value.js";

/** Write the values as one .env document, parse it back with dotenv. */
function roundTrip(values: string[]): Record<string, string> {
  const text = values.map((v, i) => `${dotenvLine(`K${i}`, v)}\n`).join("");
  return parse(text);
}

const HOSTILE = [
  "plain",
  "",
  " ",
  "  leading and trailing  ",
  "/home/a b/.vagrant.d/insecure_private_key",
  "C:\\Users\\a b\\key",
  "has#hash",
  "#starts with hash",
  "a # b",
  "it's",
  'say "hi"',
  "both ' and \"",
  "back`tick",
  "' and `",
  "\" and `",
  "\\n literal backslash-n",
  "\\r and ' quote",
  "$HOME ${HOME} $(id)",
  "=equals=",
  "key=value # comment",
  "ünïcödé ☃",
  "\\",
  "a\\b",
  "'",
  '"',
  "`",
  "''",
  "'quoted'",
  '"quoted"',
  "`quoted`",
  "export X=1",
];

describe("dotenvValue", () => {
  it("writes plain values bare", () => {
    expect(dotenvValue("192.168.121.45")).toBe("192.168.121.45");
    expect(dotenvValue("/home/u/.vagrant.d/key")).toBe("/home/u/.vagrant.d/key");
    expect(dotenvValue("meet.vagrant.test")).toBe("meet.vagrant.test");
  });

  it("quotes values with spaces, # and quotes", () => {
    expect(dotenvValue("a b")).toBe("'a b'");
    expect(dotenvValue("a#b")).toBe("'a#b'");
    expect(dotenvValue("it's")).toBe('"it\'s"');
    expect(dotenvValue(`it's "x"`)).toBe("`it's \"x\"`");
  });

  it("round-trips hostile values through dotenv.parse, alone and all in one file", () => {
    const representable = HOSTILE.filter((v) => !v.endsWith("\\"));
    for (const v of representable) expect(roundTrip([v])).toEqual({ K0: v });
    expect(roundTrip(representable)).toEqual(Object.fromEntries(representable.map((v, i) => [`K${i}`, v])));
  });

  it("refuses what dotenv cannot represent, without echoing the value", () => {
    const secretish = "s3cr3t ' \" ` all quotes";
    for (const bad of ["ends with \\", secretish, "line\nbreak", "tab\there", "nul\u0000"]) {
      let err: unknown;
      try {
        dotenvValue(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProvisionError);
      expect((err as ProvisionError).format()).not.toContain("s3cr3t");
    }
  });

  it("round-trips random strings, refusing only the documented cases", () => {
    const alphabet = ["a", "Z", "0", " ", "#", "'", '"', "`", "\\", "n", "r", "=", "$", "{", "}", ":", "/", "é"];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const accepted: string[] = [];
    for (let i = 0; i < 3000; i++) {
      let v = "";
      const len = rand(12);
      for (let j = 0; j < len; j++) v += alphabet[rand(alphabet.length)];
      const unquotable = v.endsWith("\\") || (v.includes("'") && v.includes("`") && (v.includes('"') || /\\[nr]/.test(v)));
      if (unquotable) {
        expect(() => dotenvValue(v), JSON.stringify(v)).toThrow(ProvisionError);
        continue;
      }
      expect(roundTrip([v]), JSON.stringify(v)).toEqual({ K0: v });
      accepted.push(v);
    }
    expect(accepted.length).toBeGreaterThan(1000);
    // Many values in one file: a badly closed quote would swallow the following lines.
    for (let i = 0; i < accepted.length; i += 50) {
      const chunk = accepted.slice(i, i + 50);
      expect(roundTrip(chunk)).toEqual(Object.fromEntries(chunk.map((v, k) => [`K${k}`, v])));
    }
  });

  it("checks keys", () => {
    expect(dotenvLine("SSH_HOST", "h")).toBe("SSH_HOST=h");
    expect(() => dotenvLine("BAD KEY", "x")).toThrow(/invalid .env key/);
    expect(() => dotenvLine("X=Y", "x")).toThrow(/invalid .env key/);
  });
});
