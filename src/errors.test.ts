import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXIT, InterruptedError } from "./errors.js";

describe("exit codes", () => {
  it("are exactly the ones the README's table documents", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const table = readme.slice(readme.indexOf("### Exit codes"), readme.indexOf("## Inventory"));
    const documented = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it("an interruption exits 128 + the signal's number", () => {
    expect(new InterruptedError("SIGINT").exitCode).toBe(130);
    expect(new InterruptedError("SIGTERM").exitCode).toBe(143);
  });
});
