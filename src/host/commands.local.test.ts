// The atomic write script run for real on this machine, as root (it chowns); the pure tests are in commands.test.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileArgv } from "./commands.js";

describe("writeFileArgv (the atomic write script, run locally as root)", () => {
  const dir = mkdtempSync(join(tmpdir(), "provision-write-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function runLocal(argv: string[], stdin: string) {
    return spawnSync(argv[0]!, argv.slice(1), { input: stdin, encoding: "utf8" });
  }

  it.skipIf(process.getuid?.() !== 0)("writes content, owner, group and mode with a hostile file name", () => {
    const target = join(dir, "a 'b' $(c) \n d");
    const r = runLocal(writeFileArgv(target, { owner: "nobody", group: "root", mode: 0o604 }), "hello\n'x'");
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("hello\n'x'");
    const st = statSync(target);
    expect(st.mode & 0o7777).toBe(0o604);
    expect(st.gid).toBe(0);
    expect(st.uid).not.toBe(0);
    expect(readdirSync(dir)).toEqual(["a 'b' $(c) \n d"]);
  });

  it.skipIf(process.getuid?.() !== 0)("on failure keeps the old file and removes its temp file", () => {
    const target = join(dir, "keep");
    writeFileSync(target, "old");
    const r = runLocal(writeFileArgv(target, { owner: "no-such-user-q", group: "root", mode: 0o644 }), "new");
    expect(r.status).not.toBe(0);
    expect(readFileSync(target, "utf8")).toBe("old");
    expect(readdirSync(dir).filter((f) => f.startsWith(".provision-tmp"))).toEqual([]);
  });
});
