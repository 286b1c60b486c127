import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeReport } from "./cli-shared.js";

describe("writeReport", () => {
  // Regression: an existing --report file kept its old mode (writeFileSync's mode applies only to new files).
  it("replaces an existing report atomically with mode 0600, whatever its old mode", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    const file = join(dir, "report.json");
    writeFileSync(file, "old report\n");
    chmodSync(file, 0o644);
    const inode = statSync(file).ino;
    writeReport(file, "[]\n");
    expect(readFileSync(file, "utf8")).toBe("[]\n");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(file).ino).not.toBe(inode); // a new file renamed into place, not the old one rewritten
    expect(readdirSync(dir)).toEqual(["report.json"]);
  });

  it("creates a new report 0600 and leaves no temporary file when it cannot write", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    writeReport(join(dir, "new.json"), "{}\n");
    expect(statSync(join(dir, "new.json")).mode & 0o777).toBe(0o600);
    expect(() => writeReport(join(dir, "no-such-dir", "r.json"), "{}\n")).toThrow();
    expect(() => writeReport(dir, "{}\n")).toThrow(); // a directory is in the way
    expect(readdirSync(dir).sort()).toEqual(["new.json"]);
  });
});
