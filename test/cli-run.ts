// Test helper: run the CLI in-process (main() with argv), its stdout and stderr captured instead of printed.
import { vi } from "vitest";
import { main } from "../src/cli.js";

export async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    const code = await main(["node", "provision", ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined; // main() sets it; a test's exit code must not become vitest's
  }
}
