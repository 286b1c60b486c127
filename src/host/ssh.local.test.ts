// Integration tests against a real sshd started by the test (needs root: users, sudoers, /run/sshd).
import { createHash, randomBytes } from "node:crypto";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, statSync, writeFileSync, mkdirSync, readdirSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostError, ProvisionError } from "../errors.js";
import type { Inventory } from "../inventory-types.js";
import type { Host } from "./host.js";
import { connectSsh } from "./ssh.js";
import { createTestUser, removeTestUser, startTestSshd, type TestSshd } from "../../test/support/host/test-sshd.js";

const isRoot = process.getuid?.() === 0;
const SUDO_USER = "provtest";
const NOSUDO_USER = "provnosudo";

let sshd: TestSshd;
let knownHosts: string;
const notices: string[] = [];

function settings(user: string, over: Partial<Inventory["ssh"]> = {}): Inventory["ssh"] {
  return { host: sshd.address, port: sshd.port, user, key: sshd.clientKey, knownHosts, connectTimeoutMs: 5000, commandTimeoutMs: 20000, ...over };
}

function accepted(): number {
  return (sshd.log().match(/Accepted publickey/g) ?? []).length;
}

async function caught(p: Promise<unknown>): Promise<HostError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ProvisionError);
    return e as HostError;
  }
  throw new Error("expected a rejection");
}

function hostFingerprint(): string {
  const f = join(sshd.dir, "ssh_host_ed25519_key.pub");
  return execFileSync("ssh-keygen", ["-lf", f], { encoding: "utf8" }).split(" ")[1]!;
}

const HOSTILE = ["plain", "", "it's", '"q"', "$(id)", "`id`", "a;b|c&d", "line1\nline2", "*", "~", "-n", "A=b", "ü 日本 🎉", "\\", "x".repeat(20_000)];

describe.skipIf(!isRoot)("ssh host against a real sshd", () => {
  beforeAll(async () => {
    createTestUser(SUDO_USER, { sudo: true });
    createTestUser(NOSUDO_USER, { sudo: false });
    sshd = await startTestSshd(["root", SUDO_USER, NOSUDO_USER], `Match User ${NOSUDO_USER}\n  AllowTcpForwarding no\n`);
    knownHosts = join(sshd.dir, "client", "known_hosts");
  }, 30_000);

  afterAll(async () => {
    await sshd?.stop();
    removeTestUser(SUDO_USER);
    removeTestUser(NOSUDO_USER);
  });

  describe("host key verification", () => {
    it("refuses an unknown host key before login, naming host, key type, fingerprint and the fix", async () => {
      const before = accepted();
      const e = await caught(connectSsh("t1", settings("root")));
      expect(e).toBeInstanceOf(HostError);
      const text = e.format();
      expect(text).toContain(`${sshd.address}:${sshd.port}`);
      expect(text).toContain("ED25519");
      expect(text).toContain(hostFingerprint());
      expect(e.fix).toContain("re-run with --accept-new-host-key to trust and record it (like OpenSSH's StrictHostKeyChecking=accept-new)");
      expect(existsSync(knownHosts)).toBe(false);
      await new Promise((r) => setTimeout(r, 200));
      expect(accepted()).toBe(before); // never authenticated, so nothing could run
    });

    it("records a new key with acceptNewHostKey, then the next connect matches without it", async () => {
      const h1 = await connectSsh("t1", settings("root"), { acceptNewHostKey: true, notice: (m) => notices.push(m) });
      await h1.close();
      expect(notices.join("\n")).toContain(`Permanently added '[${sshd.address}]:${sshd.port}' (ED25519)`);
      expect(readFileSync(knownHosts, "utf8")).toBe(`[${sshd.address}]:${sshd.port} ${sshd.hostPublicKey()}\n`);
      expect(statSync(knownHosts).mode & 0o777).toBe(0o600);
      expect(statSync(join(sshd.dir, "client")).mode & 0o777).toBe(0o700);
      const h2 = await connectSsh("t1", settings("root"));
      expect((await h2.check(["true"])).code).toBe(0);
      await h2.close();
      expect(readFileSync(knownHosts, "utf8").split("\n").filter(Boolean)).toHaveLength(1);
    });
  });

  describe("with a trusted host key", { timeout: 30_000 }, () => {
    let root: Host;
    let user: Host;
    beforeAll(async () => {
      root = await connectSsh("root-host", settings("root"), { acceptNewHostKey: true, notice: () => {} });
      user = await connectSsh("user-host", settings(SUDO_USER));
    }, 20_000);
    afterAll(async () => {
      await root?.close();
      await user?.close();
    });

    const expected = Buffer.concat(HOSTILE.map((s) => Buffer.from(s + "\0"))).toString("utf8");

    it("passes hostile argv through bash (root) and dash (user, also via sudo) byte for byte", async () => {
      const argv = ["printf", "%s\\0", ...HOSTILE];
      expect((await root.check(argv)).stdout).toBe(expected);
      expect((await user.check(argv)).stdout).toBe(expected);
      expect((await user.check(argv, { sudo: true })).stdout).toBe(expected);
      expect((await user.check(["id", "-un"], { sudo: true })).stdout.trim()).toBe("root");
      expect((await user.check(["id", "-un"])).stdout.trim()).toBe(SUDO_USER);
      expect((await root.check(["id", "-un"], { sudo: true, user: SUDO_USER })).stdout.trim()).toBe(SUDO_USER);
    });

    it("passes env values exactly and returns non-zero exits as data", async () => {
      const r = await user.run(["sh", "-c", 'printf %s "$WEIRD"; echo oops >&2; exit 3'], { env: { WEIRD: "a b'c $(id)\nd" }, sudo: true });
      expect(r).toEqual({ code: 3, stdout: "a b'c $(id)\nd", stderr: "oops\n" });
    });

    it("streams stdin and never puts the secret in any process's argv", async () => {
      const secret = "s3cret-" + randomBytes(24).toString("hex");
      const digest = createHash("sha256").update(secret).digest("hex");
      for (const opts of [{}, { sudo: true }]) {
        const r = await user.check(["sh", "-c", "ps -eo args; sha256sum"], { stdin: secret, ...opts });
        expect(r.stdout).toContain(digest);
        expect(r.stdout).toContain("ps -eo args"); // the listing really shows our own command lines
        expect(r.stdout).not.toContain(secret);
      }
      const big = randomBytes(3 << 20).toString("base64");
      const r = await user.check(["sha256sum"], { stdin: big });
      expect(r.stdout.split(" ")[0]).toBe(createHash("sha256").update(big).digest("hex"));
    });

    it("check names the failing command and shows its last stderr lines", async () => {
      const e = await caught(user.check(["sh", "-c", "echo first >&2; echo 'the real problem' >&2; exit 4"]));
      expect(e.message).toContain("sh -c echo first");
      expect(e.message).toContain("exit code 4");
      expect(e.where).toBe("user-host");
      expect(e.lines).toEqual(["first", "the real problem"]);
      // Standard output is never quoted: a fact gatherer's output is data, often file contents.
      const quiet = await caught(user.check(["sh", "-c", "printf '%s\\n' c2VjcmV0LWluLWEtZmlsZQ==; exit 5", "read", "/etc/x"]));
      expect(quiet.format()).toBe("user-host: `read script /etc/x` failed with exit code 5\n  (no error output; its standard output is not shown, as it may hold file contents)");
    });

    it("readFile: present, missing (null), permission denied (error), and via sudo", async () => {
      const dir = join(sshd.dir, "files");
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const content = "line 1\n'quoted' $(x) ü🎉\n\n";
      writeFileSync(join(dir, "present.txt"), content, { mode: 0o644 });
      expect(await user.readFile(join(dir, "present.txt"))).toBe(content);
      expect(await user.readFile(join(dir, "missing.txt"))).toBeNull();
      expect(await user.readFile(join(dir, "no-dir", "missing.txt"))).toBeNull();
      const e = await caught(user.readFile("/etc/shadow"));
      expect(e.message).toContain("permission denied reading /etc/shadow");
      expect(e.fix).toContain("sudo");
      expect(await user.readFile("/etc/shadow", { sudo: true })).toContain("root:");
      expect(await user.readFile(join(dir, "missing.txt"), { sudo: true })).toBeNull();
      await expect(user.readFile(dir)).rejects.toThrow(/cannot read/);
    });

    it("writeFile replaces the file atomically with owner, group and mode, leaving no temp file", async () => {
      const dir = join(sshd.dir, "write");
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const target = join(dir, "it's a \"file\" $(x).conf");
      writeFileSync(target, "old\n", { mode: 0o644 });
      const inodeBefore = statSync(target).ino;
      const content = "secret = 'k3y'\nü\n" + "x".repeat(100_000) + "\n";
      await user.writeFile(target, content, { owner: SUDO_USER, group: "root", mode: 0o640 });
      const st = statSync(target);
      expect(readFileSync(target, "utf8")).toBe(content);
      expect(st.mode & 0o7777).toBe(0o640);
      expect(st.uid).toBe(Number(execFileSync("id", ["-u", SUDO_USER], { encoding: "utf8" })));
      expect(st.gid).toBe(0);
      expect(st.ino).not.toBe(inodeBefore); // renamed into place, not rewritten in place
      expect(readdirSync(dir)).toEqual([target.slice(dir.length + 1)]);
      // Also works when the file does not exist yet, and with an empty content.
      await root.writeFile(join(dir, "new"), "", { owner: "root", group: "root", mode: 0o600 });
      expect(readFileSync(join(dir, "new"), "utf8")).toBe("");
      expect(statSync(join(dir, "new")).mode & 0o777).toBe(0o600);
    });

    it("writeFile failures leave the old file untouched and no temp file behind", async () => {
      const dir = join(sshd.dir, "write-fail");
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const target = join(dir, "keep.conf");
      writeFileSync(target, "old\n", { mode: 0o644 });
      const e = await caught(user.writeFile(target, "new\n", { owner: "no-such-user-x", group: "root", mode: 0o644 }));
      expect(e.message).toContain(`cannot write ${target}`);
      expect(e.lines.join("\n")).toMatch(/invalid user/);
      expect(readFileSync(target, "utf8")).toBe("old\n");
      expect(readdirSync(dir)).toEqual(["keep.conf"]);
      mkdirSync(join(dir, "a-directory"));
      await expect(user.writeFile(join(dir, "a-directory"), "x", { owner: "root", group: "root", mode: 0o644 })).rejects.toThrow(/cannot write/);
      expect(readdirSync(dir).sort()).toEqual(["a-directory", "keep.conf"]);
      await expect(user.writeFile(join(dir, "nope", "x"), "x", { owner: "root", group: "root", mode: 0o644 })).rejects.toThrow(/cannot write/);
    });

    // Regression (docs/failure-modes.md #22): the host's sshd session killed while a file larger than one SSH window is in flight used to
    // install the part that had arrived.
    it("writeFile never installs an upload cut off by a killed SSH session", async () => {
      const dir = join(sshd.dir, "write-cut");
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const target = join(dir, "config.js");
      writeFileSync(target, "old\n", { mode: 0o644 });
      const cutter = await connectSsh("cut-host", settings(SUDO_USER));
      // The sshd process serving this connection: the nearest sshd ancestor of the command.
      const session = (await cutter.check(["sh", "-c", 'p=$$; while [ "$p" -gt 1 ]; do case $(cat /proc/$p/comm) in sshd*) echo "$p"; exit;; esac; p=$(sed -n "s/^PPid:[[:space:]]*//p" /proc/$p/status); done'])).stdout.trim();
      expect(session).toMatch(/^\d+$/);
      const write = cutter.writeFile(target, "x".repeat(40 << 20), { owner: "root", group: "root", mode: 0o644 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // Cut only once the upload is under way (its temp file exists).
      for (let i = 0; i < 200 && !readdirSync(dir).some((f) => f.startsWith(".provision-tmp")); i++) await new Promise((r) => setTimeout(r, 10));
      expect(readdirSync(dir).some((f) => f.startsWith(".provision-tmp"))).toBe(true);
      execFileSync("kill", ["-KILL", session]);
      const e = await write;
      expect(e).toBeInstanceOf(HostError);
      // Named by its label, not by the script's text.
      expect((e as HostError).message).toBe(`SSH connection to ${sshd.address}:${sshd.port} lost during \`write script ${target} root root 0644\``);
      expect((e as HostError).format()).not.toContain("mktemp");
      await cutter.close();
      // The script on the host sees the end of its input (or a hangup), refuses the short content, removes its temp file.
      for (let i = 0; i < 100 && readdirSync(dir).length > 1; i++) await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(target, "utf8")).toBe("old\n");
      expect(readdirSync(dir)).toEqual(["config.js"]);
    });

    it("a command that outlives its timeout is stopped with a HostError naming it", async () => {
      for (const sudo of [false, true]) {
        const marker = String(900 + Math.floor(Math.random() * 99));
        const t0 = Date.now();
        const e = await caught(user.run(["sh", "-c", `sleep ${marker}; echo never`], { timeoutMs: 700, sudo }));
        expect(Date.now() - t0).toBeLessThan(5000);
        expect(e.message).toBe(`\`sh -c sleep ${marker}; echo never\` timed out after 700ms and was stopped`);
        expect(e.fix).toContain("SSH_COMMAND_TIMEOUT");
        await new Promise((r) => setTimeout(r, 300));
        const ps = await root.run(["pgrep", "-a", "-f", `[s]leep ${marker}`]);
        expect(ps.stdout.trim()).toBe("");
      }
      expect((await user.check(["echo", "still usable"])).stdout).toBe("still usable\n");
      // An inline script is named by its label, not by its text.
      const script = await caught(user.run(["sh", "-c", 'sleep "$1"\n# a long script that must not be printed', "sleeper", "977"], { timeoutMs: 700 }));
      expect(script.message).toBe("`sleeper script 977` timed out after 700ms and was stopped");
      // A command that finishes in time is not affected by the host-side timeout wrapper.
      expect((await user.check(["sh", "-c", "sleep 0.1; exit 0"], { timeoutMs: 5000, sudo: true })).code).toBe(0);
    });

    it("runs commands concurrently over the one connection", async () => {
      const before = accepted();
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => user.check(["sh", "-c", `sleep 0.2; echo ${i}`])));
      expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      expect(accepted()).toBe(before);
    });

    it("forwards a TCP stream to a listener reachable from the host", async () => {
      const server: Server = createServer((s) => s.pipe(s));
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      const port = (server.address() as { port: number }).port;
      try {
        const stream = await user.forward("127.0.0.1", port);
        const got = new Promise<string>((resolve) => {
          let buf = "";
          stream.on("data", (d: Buffer) => {
            buf += d.toString();
            if (buf.includes("\n")) resolve(buf);
          });
        });
        stream.write("hello through ssh\n");
        expect(await got).toBe("hello through ssh\n");
        stream.end();
      } finally {
        server.close();
      }
      const refused = await caught(user.forward("127.0.0.1", port));
      expect(refused.message).toContain(`nothing accepts connections at 127.0.0.1:${port}`);
    });

    it("close() ends the connection; later calls fail clearly", async () => {
      const h = await connectSsh("closing", settings(SUDO_USER));
      await h.close();
      await h.close();
      const e = await caught(h.run(["true"]));
      expect(e.message).toBe("`true` after close(): the SSH connection is closed");
    });
  });

  describe("clear errors", { timeout: 20_000 }, () => {
    it("sudo asking for a password", async () => {
      const h = await connectSsh("nosudo", settings(NOSUDO_USER));
      try {
        const e = await caught(h.run(["true"], { sudo: true }));
        expect(e.message).toContain("sudo asks provnosudo for a password");
        expect(e.lines.join("\n")).toContain("sudo: a password is required");
        expect(e.fix).toContain("NOPASSWD");
        expect(e.fix).toContain("/etc/sudoers.d/");
        const w = await caught(h.writeFile("/tmp/provision-never-written", "x", { owner: "root", group: "root", mode: 0o644 }));
        expect(w.message).toContain("password");
        expect(existsSync("/tmp/provision-never-written")).toBe(false);
      } finally {
        await h.close();
      }
    });

    it("forwarding refused by the server (AllowTcpForwarding no)", async () => {
      const h = await connectSsh("nosudo", settings(NOSUDO_USER));
      try {
        const e = await caught(h.forward("127.0.0.1", 22));
        expect(e.message).toContain("refused to forward");
        expect(e.fix).toContain("AllowTcpForwarding");
      } finally {
        await h.close();
      }
    });

    it("authentication rejected", async () => {
      const e = await caught(connectSsh("t", settings("daemon")));
      expect(e.message).toContain(`SSH login as daemon on ${sshd.address}:${sshd.port} was rejected`);
      expect(e.fix).toMatch(/SSH_USER and SSH_KEY/);
    });

    it("connection refused (nothing listening) names host:port", async () => {
      const probe = createServer();
      await new Promise<void>((r) => probe.listen(0, "127.0.0.2", r));
      const port = (probe.address() as { port: number }).port;
      await new Promise((r) => probe.close(r));
      const e = await caught(connectSsh("gone", settings("root", { port })));
      expect(e.message).toBe(`cannot connect to 127.0.0.2:${port}: connection refused`);
      expect(e.fix).toContain("sshd");
    });

    it("handshake timeout (a port that accepts but never speaks SSH)", async () => {
      const silent = createServer(() => {});
      await new Promise<void>((r) => silent.listen(0, "127.0.0.2", r));
      const port = (silent.address() as { port: number }).port;
      try {
        const t0 = Date.now();
        const e = await caught(connectSsh("silent", settings("root", { port, connectTimeoutMs: 600 })));
        expect(Date.now() - t0).toBeLessThan(4000);
        expect(e.message).toBe(`cannot connect to 127.0.0.2:${port}: no SSH handshake within the connect timeout`);
      } finally {
        silent.close();
      }
    });

    it("a missing key file is a usage error", async () => {
      await expect(connectSsh("t", settings("root", { key: "/nonexistent/key" }))).rejects.toThrow(/does not exist/);
    });
  });

  describe("other authentication and key types", { timeout: 30_000 }, () => {
    it("logs in through the SSH agent when no key file is set", async () => {
      const sock = join(sshd.dir, "agent.sock");
      const agent = spawn("ssh-agent", ["-D", "-a", sock], { stdio: "ignore" });
      const savedSock = process.env.SSH_AUTH_SOCK;
      try {
        for (let i = 0; i < 100 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
        execFileSync("ssh-add", ["-q", sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: "ignore" });
        process.env.SSH_AUTH_SOCK = sock;
        const h = await connectSsh("agent", settings(SUDO_USER, { key: undefined }));
        expect((await h.check(["id", "-un"])).stdout.trim()).toBe(SUDO_USER);
        await h.close();
        delete process.env.SSH_AUTH_SOCK;
        await expect(connectSsh("agent", settings(SUDO_USER, { key: undefined }))).rejects.toThrow(/no SSH key and no SSH agent/);
      } finally {
        if (savedSock === undefined) delete process.env.SSH_AUTH_SOCK;
        else process.env.SSH_AUTH_SOCK = savedSock;
        agent.kill("SIGTERM");
      }
    });

    it("asks a multi-key server for the key type on record first", async () => {
      // A second server with an ECDSA and an ED25519 host key; only the ECDSA one is on record.
      const ecdsa = join(sshd.dir, "ssh_host_ecdsa_key");
      execFileSync("ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", ecdsa]);
      const multi = await startTestSshd(["root"], `HostKey ${ecdsa}`);
      try {
        const kh = join(multi.dir, "kh");
        const ecdsaPub = readFileSync(ecdsa + ".pub", "utf8").split(" ").slice(0, 2).join(" ");
        writeFileSync(kh, `[${multi.address}]:${multi.port} ${ecdsaPub}\n`);
        const s = { ...settings("root"), port: multi.port, key: multi.clientKey, knownHosts: kh };
        const h = await connectSsh("multi", s);
        expect((await h.check(["true"])).code).toBe(0);
        await h.close();
        // With a wrong ECDSA key on record, the server's ECDSA key is presented and refused as a change.
        const other = join(multi.dir, "other_ecdsa");
        execFileSync("ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", other]);
        writeFileSync(kh, `[${multi.address}]:${multi.port} ${readFileSync(other + ".pub", "utf8").split(" ").slice(0, 2).join(" ")}\n`);
        const e = await caught(connectSsh("multi", s));
        expect(e.message).toContain("REMOTE HOST IDENTIFICATION HAS CHANGED");
        expect(e.format()).toContain("The fingerprint for the ECDSA key sent by the remote host is");
      } finally {
        await multi.stop();
      }
    });
  });

  describe("changed host key", { timeout: 30_000 }, () => {
    it("is refused with OpenSSH's warning, even with acceptNewHostKey, and nothing runs", async () => {
      // Make sure the old key is on record (the earlier tests recorded it).
      expect(readFileSync(knownHosts, "utf8")).toContain(sshd.hostPublicKey());
      await sshd.regenerateHostKey();
      const before = accepted();
      for (const acceptNewHostKey of [false, true]) {
        const e = await caught(connectSsh("t1", settings("root"), { acceptNewHostKey, notice: () => {} }));
        const text = e.format();
        expect(text).toContain("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!");
        expect(text).toContain("Someone could be eavesdropping on you right now (man-in-the-middle attack)!");
        expect(text).toContain(`The fingerprint for the ED25519 key sent by the remote host is\n  ${hostFingerprint()}.`);
        expect(text).toContain(`Offending ED25519 key in ${knownHosts}:1`);
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(accepted()).toBe(before);
      expect(readFileSync(knownHosts, "utf8").split("\n").filter(Boolean)).toHaveLength(1);
    });
  });
});
