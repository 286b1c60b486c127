import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAll, writeReport } from "./cli-shared.js";
import { usageErrorOf } from "../test/support/errors.js";

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

describe("loadAll for a command that runs against main hosts only", () => {
  const SECRET = "shared-FAKE-secret-0123456789-abcdefghijkl";
  it("replaces a videobridge host a group brought in by its main host, and refuses one named on the command line", () => {
    const dir = mkdtempSync(join(tmpdir(), "loadall-"));
    writeFileSync(join(dir, "defaults.env"), "SSH_USER=arch\nSSH_CONFIG=none\n");
    writeFileSync(join(dir, "meet.example.org.env"), `JWT_APP_ID=app\nJWT_APP_SECRET=${SECRET}\n`, { mode: 0o600 });
    writeFileSync(join(dir, "jvb1.env"), "ROLE=videobridge\nJITSI_DOMAIN=meet.example.org\nGROUP=bridges\n");
    expect(loadAll(["bridges"], dir, "verify").map((i) => [i.name, i.bridges.map((b) => b.name)])).toEqual([["meet.example.org", ["jvb1"]]]);
    expect(loadAll(["bridges"], dir).map((i) => i.name)).toEqual(["jvb1"]);
    expect(usageErrorOf(() => loadAll(["jvb1"], dir, "verify")).fix).toBe("run it against meet.example.org: provision verify --host meet.example.org");
  });
});
