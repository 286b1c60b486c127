// shellQuote and shellJoin checked by real shells (sh and bash run hostile strings); the pure tests are in quote.test.ts.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellJoin, shellQuote } from "./quote.js";

const HOSTILE: string[] = [
  "plain",
  "",
  " ",
  "two words",
  "it's",
  "'",
  "''",
  '"',
  '"double" and \'single\'',
  "$(touch /tmp/provision-quote-pwned)",
  "`touch /tmp/provision-quote-pwned`",
  "${HOME}",
  "$HOME",
  "a;rm -rf /tmp/nothing-here",
  "a|b",
  "a&&b",
  "a\nb\n",
  "\n",
  "tab\there",
  "\r\n",
  "*",
  "/etc/*",
  "?",
  "[a-z]",
  "~",
  "~root",
  "-n",
  "--",
  "-e",
  "A=b",
  "#comment",
  "!!",
  "\\",
  "back\\slash\\",
  "{a,b}",
  "<in >out 2>&1",
  "ü ñ 日本語 🎉",
  "\u00a0nbsp",
  "\x01\x02\x1b[31m",
  "x".repeat(50_000),
  "'".repeat(1000),
];

/** What a real shell hands to a program: NUL-separated argv. */
function viaSh(shell: string, quoted: string): Buffer {
  const r = spawnSync(shell, ["-c", `printf '%s\\0' ${quoted}`], { maxBuffer: 1 << 26 });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

/** The reference: the same strings passed directly as argv, no shell parsing involved. */
function direct(args: string[]): Buffer {
  const r = spawnSync("bash", ["-c", 'printf "%s\\0" "$@"', "_", ...args], { maxBuffer: 1 << 26 });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

describe("shellQuote", () => {
  for (const shell of ["sh", "bash"]) {
    it(`round-trips every hostile string through ${shell} as exactly one argument`, () => {
      for (const s of HOSTILE) {
        const got = viaSh(shell, shellQuote(s));
        expect(got.equals(direct([s])), `string ${JSON.stringify(s.slice(0, 60))}`).toBe(true);
        expect(got.equals(Buffer.concat([Buffer.from(s, "utf8"), Buffer.from([0])]))).toBe(true);
      }
    });

    it(`shellJoin keeps the argv boundaries through ${shell}`, () => {
      const got = viaSh(shell, shellJoin(HOSTILE));
      expect(got.equals(direct(HOSTILE))).toBe(true);
      const parts = got.toString("utf8").split("\0");
      expect(parts.slice(0, -1)).toEqual(HOSTILE);
    });
  }

  it("runs nothing embedded in an argument", () => {
    spawnSync("rm", ["-f", "/tmp/provision-quote-pwned"]);
    spawnSync("sh", ["-c", `echo ${shellJoin(HOSTILE)} >/dev/null`]);
    expect(spawnSync("test", ["-e", "/tmp/provision-quote-pwned"]).status).toBe(1);
  });
});
