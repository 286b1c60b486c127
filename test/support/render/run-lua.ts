// Test helper: run a Lua chunk with the real lua5.4 interpreter and return its stdout bytes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `code` (a Lua 5.4 chunk) from a temp file and returns stdout as raw bytes; throws with stderr on failure. */
export function runLua(code: string, args: readonly string[] = []): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "provision-lua-"));
  try {
    const file = join(dir, "chunk.lua");
    writeFileSync(file, code, "utf8");
    return execFileSync("lua5.4", [file, ...args], { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
