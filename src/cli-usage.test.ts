// Typos and contradictions on the command line are refused before any inventory is read or host reached (exit 2).
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../test/cli-run.js";

afterEach(() => {
  process.exitCode = undefined;
});

describe("usage errors, exit 2", () => {
  it("an unknown command says so, with the closest command", async () => {
    const r = await run("tokn");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^provision: unknown command 'tokn' \(did you mean token\?\)/);
    expect(r.stderr).not.toMatch(/too many arguments/);
    expect((await run("frobnicate")).stderr).toMatch(/^provision: unknown command 'frobnicate'\n/);
    expect((await run("hepl")).stderr).toMatch(/^provision: unknown command 'hepl' \(did you mean help\?\)\nFix: commands: token, verify, tasks, hosts, help;/);
  });

  it("a mistyped task name in --only / --skip gets a 'did you mean'", async () => {
    const only = await run("--host", "x", "--only", "ngnix");
    expect(only.code).toBe(2);
    expect(only.stderr).toMatch(/unknown task name in --only: ngnix \(did you mean nginx\?\)/);
    const skip = await run("--host", "x", "--skip", "prosody,verfy");
    expect(skip.code).toBe(2);
    expect(skip.stderr).toMatch(/unknown task name in --skip: verfy \(did you mean verify\?\)/);
  });

  it("--only '' is refused instead of running everything", async () => {
    const r = await run("--host", "x", "--only", "");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--only needs at least one task name/);
  });

  it("a selection that leaves nothing to run is refused", async () => {
    const r = await run("--host", "x", "--only", "nginx", "--skip", "nginx");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing left to run: --only nginx with --skip nginx selects no task/);
    expect((await run("--host", "x", "--only", "verify", "--no-verify")).code).toBe(2);
    expect((await run("--host", "x", "--only", "verify", "--check")).stderr).toMatch(/nothing left to run/);
  });

  it("token with two --host is refused", async () => {
    const r = await run("token", "--host", "a", "--host", "b", "--room", "r");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^provision: token takes one host, got 2: a, b/);
    expect(r.stdout).toBe("");
  });
});
