// --version, `provision help [command]`, exit codes in --help (in-process: main() with argv, output captured).
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../test/cli-run.js";
import { EXIT_MEANINGS } from "./errors.js";

afterEach(() => {
  process.exitCode = undefined;
});

describe("provision --version / help", () => {
  it("--version prints package.json's version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) expect(await run(flag)).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("`help COMMAND` prints that command's help, like COMMAND --help", async () => {
    const help = await run("help", "token");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: provision token \[options\]/);
    expect(help.stdout).toContain("--room <room>");
    expect(help.stdout).toBe((await run("token", "--help")).stdout);
    const top = await run("help");
    expect(top.code).toBe(0);
    expect(top.stdout).toBe((await run("--help")).stdout);
  });

  it("--help ends with the exit codes, the README's table", async () => {
    const { stdout } = await run("--help");
    const table = stdout.slice(stdout.indexOf("Exit codes:"));
    for (const [code, meaning] of Object.entries(EXIT_MEANINGS)) expect(table).toContain(`  ${code.padEnd(4)} ${meaning}`);
    expect(stdout).toMatch(/help \[command\]/);
  });
});
