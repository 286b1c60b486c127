import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "dotenv";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureSecret } from "./write-inventory.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "vagrant-inv-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

// writeVagrantInventory, fed host keys made by the real ssh-keygen, is tested in write-inventory.local.test.ts.

describe("ensureSecret", () => {
  it("tightens a too-open secrets file and keeps its content", async () => {
    const p = join(dir, "vagrant.secrets.env");
    writeFileSync(p, "JWT_APP_SECRET='kept secret value, long enough to pass the check'\n", { mode: 0o644 });
    chmodSync(p, 0o644);
    expect(await ensureSecret(p)).toEqual({ generated: false });
    expect(mode(p)).toBe(0o600);
    expect(parse(readFileSync(p)).JWT_APP_SECRET).toBe("kept secret value, long enough to pass the check");
  });

  it("adds a secret to a file that lacks one, keeping the other lines", async () => {
    const p = join(dir, "vagrant.secrets.env");
    writeFileSync(p, "# mine\nOTHER=1");
    expect(await ensureSecret(p)).toEqual({ generated: true });
    const env = parse(readFileSync(p));
    expect(env.OTHER).toBe("1");
    expect(env.JWT_APP_SECRET!.length).toBeGreaterThanOrEqual(32);
    expect(mode(p)).toBe(0o600);
  });

  it("generates a different secret for each new file", async () => {
    const a = join(dir, "a.env");
    const b = join(dir, "b.env");
    await ensureSecret(a);
    await ensureSecret(b);
    expect(parse(readFileSync(a)).JWT_APP_SECRET).not.toBe(parse(readFileSync(b)).JWT_APP_SECRET);
  });
});
