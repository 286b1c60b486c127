// A --report path that cannot be written is refused before connecting (exit 2), not after a whole run (exit 70).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../test/cli-run.js";

describe("--report is checked before connecting", () => {
  let dir: string;
  let server: Server;
  let connections = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "provision-report-"));
    // A valid inventory whose SSH port counts connections: none may be made.
    server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    writeFileSync(join(dir, "h.env"), `SSH_HOST=127.0.0.1\nSSH_PORT=${port}\nSSH_USER=arch\nSSH_KNOWN_HOSTS=${join(dir, "known_hosts")}\nJITSI_DOMAIN=meet.example.org\nJWT_APP_ID=app\n`);
    writeFileSync(join(dir, "h.secrets.env"), "JWT_APP_SECRET=report-test-FAKE-secret-0123456789abcdef\n", { mode: 0o600 });
    mkdirSync(join(dir, "adir"));
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a missing directory: exit 2 naming it, no host reached (main run and verify)", async () => {
    for (const cmd of [[], ["verify"]]) {
      const r = await run(...cmd, "--host", "h", "--inventory", dir, "--report", "/nonexistent/r.json");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^provision: --report \/nonexistent\/r\.json: the directory \/nonexistent does not exist/);
      expect(r.stdout).toBe("");
    }
    expect(connections).toBe(0);
  });

  it("a directory as the file, or a file as the directory: exit 2", async () => {
    expect((await run("--host", "h", "--inventory", dir, "--report", join(dir, "adir"))).stderr).toMatch(/adir is a directory/);
    expect((await run("--host", "h", "--inventory", dir, "--report", join(dir, "h.env", "r.json"))).stderr).toMatch(/h\.env is not a directory/);
    expect(connections).toBe(0);
  });

  it.skipIf(process.getuid?.() === 0)("a directory that is not writable: exit 2", async () => {
    const ro = join(dir, "ro");
    mkdirSync(ro, { mode: 0o500 });
    try {
      const r = await run("--host", "h", "--inventory", dir, "--report", join(ro, "r.json"));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/ro is not writable/);
    } finally {
      chmodSync(ro, 0o700);
    }
    expect(connections).toBe(0);
  });
});
