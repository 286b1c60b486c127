// SSH problems that can be found before connecting are (exit 2, naming the file and the fix), for run and verify.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../test/cli-run.js";

describe("SSH settings checked before connecting", () => {
  let dir: string;
  let server: Server;
  let connections = 0;
  const write = (env: string) =>
    writeFileSync(join(dir, "h.env"), `SSH_HOST=127.0.0.1\nSSH_PORT=${(server.address() as { port: number }).port}\nSSH_USER=arch\nSSH_KNOWN_HOSTS=${join(dir, "known_hosts")}\nSSH_CONFIG=none\nJITSI_DOMAIN=meet.example.org\nJWT_APP_ID=app\n${env}`);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "provision-cli-ssh-"));
    // A valid inventory whose SSH port counts connections: none may be made.
    server = createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    writeFileSync(join(dir, "h.secrets.env"), "JWT_APP_SECRET=cli-ssh-test-FAKE-secret-0123456789abcdef\n", { mode: 0o600 });
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a missing SSH_KEY: exit 2 naming the file and the fix, no connection (main run and verify)", async () => {
    write(`SSH_KEY=${join(dir, "id_missing")}\n`);
    for (const cmd of [[], ["verify"]]) {
      const r = await run(...cmd, "--host", "h", "--inventory", dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`provision: cannot log in: h: SSH key ${join(dir, "id_missing")} does not exist`);
      expect(r.stderr).toContain("set SSH_KEY (or IdentityFile for the host in the SSH config) to a readable private key file");
    }
    expect(connections).toBe(0);
  });

  it("a bad SSH_PROXY_JUMP: exit 2 with the format, no connection", async () => {
    write(`SSH_PROXY_JUMP=ops@bastion:99999\n`);
    const r = await run("--host", "h", "--inventory", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("SSH_PROXY_JUMP: 'ops@bastion:99999': port 99999 is not 1-65535");
    expect(connections).toBe(0);
  });

  it("-v / --verbose is a documented flag of the main command", async () => {
    const r = await run("--help");
    expect(r.stdout).toMatch(/-v, --verbose\s+stream the output of remote commands/);
  });
});
