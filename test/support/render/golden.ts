// Test helper: compare output with a checked-in golden file under src/render/__golden__/ (UPDATE_GOLDEN=1 rewrites it).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "src", "render", "__golden__");

/** Asserts `actual` equals the golden file `name` byte for byte; with UPDATE_GOLDEN=1 writes it instead. */
export function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(file, actual, "utf8");
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 once and review it`);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

/** Reads a test fixture from src/render/__fixtures__/. */
export function fixture(name: string): string {
  return readFileSync(join(GOLDEN_DIR, "..", "__fixtures__", name), "utf8");
}
