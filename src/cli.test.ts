// The CLI as a process (node + tsx, from source): what a user at a terminal sees on Ctrl-C.
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url));

describe("provision as a process", () => {
  let dir: string;
  let server: Server;
  const sockets: Socket[] = [];
  let onConnect: (() => void) | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "provision-cli-"));
    // An SSH port that accepts and never answers: the run stays in "connecting" until it is interrupted.
    server = createServer((s) => {
      sockets.push(s);
      onConnect?.();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const key = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "pkcs1", format: "pem" } });
    writeFileSync(join(dir, "key"), key.privateKey, { mode: 0o600 });
    writeFileSync(
      join(dir, "stuck.env"),
      `SSH_HOST=127.0.0.1\nSSH_PORT=${port}\nSSH_USER=arch\nSSH_KEY=${join(dir, "key")}\nSSH_KNOWN_HOSTS=${join(dir, "known_hosts")}\nSSH_CONNECT_TIMEOUT=60\nJITSI_DOMAIN=meet.example.org\nJWT_APP_ID=app\n`,
    );
    writeFileSync(join(dir, "stuck.secrets.env"), "JWT_APP_SECRET=cli-test-FAKE-secret-0123456789abcdef\n", { mode: 0o600 });
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function interrupted(signal: "SIGINT" | "SIGTERM"): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ["--import", TSX, CLI, "--host", "stuck", "--inventory", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const connected = new Promise<void>((r) => (onConnect = r));
    await Promise.race([connected, exited]);
    child.kill(signal);
    const code = await exited;
    onConnect = undefined;
    return { code, stdout, stderr };
  }

  // Regression: listr2's own SIGINT handler exited 127 before anything was released.
  it("exits 130 on Ctrl-C (SIGINT), saying it stopped", async () => {
    const r = await interrupted("SIGINT");
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/provision: interrupted \(SIGINT\); stopping and releasing host locks/);
    // The run stopped by itself (connecting is abandoned at once), so the summary is printed.
    expect(r.stdout).toMatch(/stuck: FAILED .*\n  interrupted \(SIGINT\): stopped before the first task/);
  });

  it("exits 143 on SIGTERM", async () => {
    const r = await interrupted("SIGTERM");
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/provision: terminated \(SIGTERM\); stopping and releasing host locks/);
  });
});
