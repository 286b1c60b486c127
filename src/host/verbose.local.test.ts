// -v over a real SSH connection (needs root: a test sshd): each line reaches the log while the command still runs.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectSsh } from "./ssh.js";
import { withVerbose } from "./verbose.js";
import { startTestSshd, type TestSshd } from "../../test/support/host/test-sshd.js";

const isRoot = process.getuid?.() === 0;
let sshd: TestSshd;

describe.skipIf(!isRoot)("withVerbose over ssh", { timeout: 30_000 }, () => {
  beforeAll(async () => {
    sshd = await startTestSshd(["root"]);
  }, 30_000);
  afterAll(async () => {
    await sshd?.stop();
  });

  it("streams stdout and stderr lines as they come, masks secret settings, keeps the result whole", async () => {
    const known = join(sshd.dir, "known_hosts");
    writeFileSync(known, `[${sshd.address}]:${sshd.port} ${sshd.hostPublicKey()}\n`);
    const inner = await connectSsh("v", { host: sshd.address, port: sshd.port, user: "root", key: sshd.clientKey, knownHosts: known, connectTimeoutMs: 5000, commandTimeoutMs: 20000 });
    const log: { line: string; at: number }[] = [];
    const started = Date.now();
    const host = withVerbose(inner, (line) => log.push({ line, at: Date.now() - started }));
    try {
      const r = await host.check(["sh", "-c", "echo '==> Building'; echo 'password = hunter2hunter2' >&2; sleep 1.5; printf 'done'"]);
      const ended = Date.now() - started;
      expect(log.map((l) => l.line)).toEqual(["| ==> Building", "| password = ********", "| done"]);
      expect(log[0]!.at).toBeLessThan(ended - 1000); // seen while the command was still sleeping
      expect(r.stdout).toBe("==> Building\ndone");
      expect(r.stderr).toBe("password = hunter2hunter2\n");
      expect(await host.readFile("/etc/hostname")).not.toBeNull();
      expect(log).toHaveLength(3); // file contents are not streamed
    } finally {
      await host.close();
    }
  });
});
