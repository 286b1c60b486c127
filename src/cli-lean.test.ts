// Lean start: --help, --version, `help X` and `tasks` load none of the heavy modules. Each is replaced by a
// module that fails to load, so a static import of any of them anywhere under src/cli.ts fails this test.
import { afterEach, describe, expect, it, vi } from "vitest";

const { heavy } = vi.hoisted(() => ({
  heavy: (name: string) => () => {
    throw new Error(`${name} was loaded`);
  },
}));
vi.mock("listr2", heavy("listr2"));
vi.mock("node-ssh", heavy("node-ssh"));
vi.mock("jose", heavy("jose"));
vi.mock("zod", heavy("zod"));
vi.mock("@babel/parser", heavy("@babel/parser"));
vi.mock("ws", heavy("ws"));
vi.mock("ltx", heavy("ltx"));
vi.mock("diff", heavy("diff"));
vi.mock("dotenv", heavy("dotenv"));

const { run } = await import("../test/cli-run.js");

afterEach(() => {
  process.exitCode = undefined;
});

describe("lean start", () => {
  it.each(["--help", "--version", "help token", "help verify", "token --help", "tasks", "help hosts"])("provision %s loads no SSH, listr2, zod, jose, parser or verifier", async (args) => {
    const r = await run(...args.split(" "));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toBe("");
  });

  it("the mocks bite: a command that needs them fails to load them", async () => {
    const r = await run("--host", "lean.example.org");
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/error when mocking a module|was loaded/);
  });
});
