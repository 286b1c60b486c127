import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXIT, EXIT_MEANINGS, InterruptedError } from "./errors.js";

describe("exit codes", () => {
  it("are exactly the ones the README's table documents, with the same meanings (EXIT_MEANINGS is the one source)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const table = readme.slice(readme.indexOf("### Exit codes"), readme.indexOf("## Inventory"));
    const rows = [...table.matchAll(/^\| (\d+) \| (.*) \|$/gm)].map((m) => [Number(m[1]), m[2]] as const);
    expect(rows.map(([c]) => c).sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(EXIT_MEANINGS).map(([c, m]) => [Number(c), m])));
  });

  it("an interruption exits 128 + the signal's number, and both codes are in the table", () => {
    expect(new InterruptedError("SIGINT").exitCode).toBe(130);
    expect(new InterruptedError("SIGTERM").exitCode).toBe(143);
    expect(EXIT).toMatchObject({ INTERRUPTED: 130, TERMINATED: 143 });
    expect(EXIT_MEANINGS[130]).toMatch(/^interrupted \(Ctrl-C, SIGINT\)/);
    expect(EXIT_MEANINGS[143]).toMatch(/^terminated \(SIGTERM\)/);
  });
});
