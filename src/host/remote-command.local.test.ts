// The atomic write script run for real on this machine, as root (it chowns); the pure tests are in commands.test.ts.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { receiveUpload, WRITE_INCOMPLETE_EXIT, writeFileArgv, writeFileStdin } from "./remote-command.js";

describe("writeFileArgv (the atomic write script, run locally as root)", () => {
  const dir = mkdtempSync(join(tmpdir(), "provision-write-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function runLocal(argv: string[], stdin: string) {
    return spawnSync(argv[0]!, argv.slice(1), { input: stdin, encoding: "utf8" });
  }

  it.skipIf(process.getuid?.() !== 0)("writes content, owner, group and mode with a hostile file name", () => {
    const target = join(dir, "a 'b' $(c) \n d");
    const r = runLocal(writeFileArgv(target, { owner: "nobody", group: "root", mode: 0o604 }), writeFileStdin("hello\n'x'"));
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
    const r = runLocal(writeFileArgv(target, { owner: "no-such-user-q", group: "root", mode: 0o644 }), writeFileStdin("new"));
    expect(r.status).not.toBe(0);
    expect(readFileSync(target, "utf8")).toBe("old");
    expect(readdirSync(dir).filter((f) => f.startsWith(".provision-tmp"))).toEqual([]);
  });

  // Regression (docs/failure-modes.md #22): end of input is not end of content. An upload cut off mid-way (SSH session killed, CLI killed)
  // used to be installed as the whole file. The script runs as any user here: it fails before chown.
  const me = () => ({ owner: String(process.getuid?.() ?? 0), group: String(process.getgid?.() ?? 0), mode: 0o640 });
  const big = Array.from({ length: 4000 }, (_, i) => `line ${i}: ${"x".repeat(60)}\n`).join("");
  // Arch's sh is bash, Debian's is dash: the script must behave the same under both.
  const SHELLS = ["dash", "bash"].filter((sh) => spawnSync(sh, ["-c", "true"]).status === 0);
  const untouched = (name: string, stdin: string | Buffer) => {
    const target = join(dir, name);
    let said = "";
    for (const sh of SHELLS) {
      writeFileSync(target, "old");
      const r = spawnSync(sh, writeFileArgv(target, me()).slice(1), { input: stdin, encoding: "utf8" });
      expect(r.status, `${sh}: ${r.stderr}`).toBe(WRITE_INCOMPLETE_EXIT);
      expect(readFileSync(target, "utf8")).toBe("old");
      expect(readdirSync(dir).filter((f) => f.startsWith(".provision-tmp"))).toEqual([]);
      said = r.stderr.trim();
    }
    // The strict fake's mirror of the script reaches the same verdict, in the same words.
    const mirror = receiveUpload(Buffer.from(stdin));
    expect("problem" in mirror && `provision-write: ${mirror.problem}; nothing was installed, ${target} is untouched`).toBe(said);
    return said;
  };

  it("installs nothing from an upload cut off mid-content, and says how much arrived", () => {
    const framed = Buffer.from(writeFileStdin(big));
    const cut = framed.subarray(0, framed.length - 100_000);
    expect(untouched("cut", cut)).toMatch(/received \d+ of \d+ bytes/);
  });

  it("installs nothing from an upload cut off before or inside the header", () => {
    untouched("empty", "");
    expect(untouched("half-header", writeFileStdin(big).slice(0, 10))).toMatch(/header/);
  });

  it("installs nothing when the bytes are altered or there are too many", () => {
    const framed = writeFileStdin("secret = 1\n");
    expect(untouched("altered", framed.replace("= 1", "= 2"))).toMatch(/checksum/);
    expect(untouched("longer", `${framed}more`)).toMatch(/received \d+ of \d+ bytes/);
  });

  it("installs a complete upload whatever its bytes (empty, no final newline, multi-byte)", () => {
    for (const sh of SHELLS)
      for (const content of ["", "no newline", "ünïcødé ✓ 🎉\n", "-n\n", big]) {
        const target = join(dir, "complete");
        const r = spawnSync(sh, writeFileArgv(target, me()).slice(1), { input: writeFileStdin(content), encoding: "utf8" });
        expect(r.status, `${sh}: ${r.stderr}`).toBe(0);
        expect(readFileSync(target, "utf8")).toBe(content);
        expect(receiveUpload(Buffer.from(writeFileStdin(content)))).toEqual({ content });
      }
  });
});
