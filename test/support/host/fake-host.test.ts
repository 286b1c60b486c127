import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { HostError } from "../../../src/errors.js";
import { readBatch } from "../../../src/facts/collect.js";
import { factKey, type Fact } from "../../../src/facts/fact.js";
import { ANY_ARGS, FakeHost } from "./fake-host.js";

describe("FakeHost", () => {
  it("returns the configured results for expected commands, in order", async () => {
    const h = new FakeHost({
      commands: [
        { argv: ["pacman", "-Q"], result: { stdout: "prosody 1:0.12.4-1\n" } },
        { argv: ["systemctl", "restart", "prosody"], sudo: true },
      ],
    });
    expect(await h.run(["pacman", "-Q"])).toEqual({ code: 0, stdout: "prosody 1:0.12.4-1\n", stderr: "" });
    expect((await h.check(["systemctl", "restart", "prosody"], { sudo: true })).code).toBe(0);
    h.assertDone();
    expect(h.calls.map((c) => c.argv[0])).toEqual(["pacman", "systemctl"]);
  });

  it("throws on any command it was not given, listing what it got and what it expected", async () => {
    const h = new FakeHost({ name: "h1", commands: [{ argv: ["true"] }] });
    const err = await h.run(["rm", "-rf", "/"]).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(HostError);
    expect((err as Error).message).toContain('unexpected command ["rm","-rf","/"]');
    expect((err as Error).message).toContain('expected next: ["true"]');
    // Even if the code under test swallowed that error, assertDone reports it.
    expect(() => h.assertDone()).toThrow(/unexpected command[\s\S]*never ran/);
  });

  it("matches sudo, user, stdin and env strictly", async () => {
    const h = new FakeHost({ commands: [{ argv: ["prosodyctl", "passwd", "focus@auth.x"], sudo: true, stdin: "pw\npw\n", env: { LC_ALL: "C" } }] });
    await expect(h.run(["prosodyctl", "passwd", "focus@auth.x"], { stdin: "pw\npw\n", env: { LC_ALL: "C" } })).rejects.toThrow(/unexpected command/);
    await expect(h.run(["prosodyctl", "passwd", "focus@auth.x"], { sudo: true, stdin: "other", env: { LC_ALL: "C" } })).rejects.toThrow(/with stdin/);
    await expect(h.run(["prosodyctl", "passwd", "focus@auth.x"], { sudo: true, stdin: "pw\npw\n" })).rejects.toThrow();
    await h.run(["prosodyctl", "passwd", "focus@auth.x"], { sudo: true, stdin: "pw\npw\n", env: { LC_ALL: "C" } });
    const u = new FakeHost({ commands: [{ argv: ["id"], sudo: true, user: "prosody" }] });
    await expect(u.run(["id"], { sudo: true })).rejects.toThrow(/\[sudo -u prosody\]/);
  });

  it("enforces order unless told otherwise", async () => {
    const cmds = [{ argv: ["a"] }, { argv: ["b"] }];
    await expect(new FakeHost({ commands: cmds }).run(["b"])).rejects.toThrow(/expected next: \["a"\]/);
    const loose = new FakeHost({ commands: cmds, ordered: false });
    await Promise.all([loose.run(["b"]), loose.run(["a"])]);
    loose.assertDone();
  });

  it("check turns a non-zero result into a HostError naming the command; error rejects", async () => {
    const h = new FakeHost({
      commands: [
        { argv: ["prosodyctl", "check", "config"], result: { code: 2, stderr: "bad option\n" } },
        { argv: ["slow"], error: new HostError("`slow` timed out after 1s and was stopped") },
      ],
    });
    const e = (await h.check(["prosodyctl", "check", "config"]).catch((x: unknown) => x)) as HostError;
    expect(e).toBeInstanceOf(HostError);
    expect(e.message).toBe("`prosodyctl check config` failed with exit code 2");
    expect(e.lines).toEqual(["bad option"]);
    await expect(h.run(["slow"])).rejects.toThrow(/timed out/);
  });

  // Regression: the gather script's failure quoted its stdout, base64 of files that hold secrets.
  it("check never quotes a failing command's standard output (it may carry file contents), only its stderr", async () => {
    const secretFile = Buffer.from('app_secret = "s3cr3t-in-a-file"\n').toString("base64");
    const h = new FakeHost({
      commands: [
        { argv: ["sh", "-c", "<read>", "read", "/etc/x"], sudo: true, result: { code: 1, stdout: `@@file /etc/x\nroot root 640\n${secretFile}\n` } },
        { argv: ["sh", "-c", "<read>", "read", "/etc/y"], sudo: true, result: { code: 2, stdout: secretFile, stderr: "base64: /etc/y: Input/output error\n" } },
      ],
    });
    const quiet = (await h.check(["sh", "-c", "<read>", "read", "/etc/x"], { sudo: true }).catch((e: unknown) => e)) as HostError;
    expect(quiet.format()).toBe("fake: `read script /etc/x` failed with exit code 1\n  (no error output; its standard output is not shown, as it may hold file contents)");
    const loud = (await h.check(["sh", "-c", "<read>", "read", "/etc/y"], { sudo: true }).catch((e: unknown) => e)) as HostError;
    expect(loud.lines).toEqual(["base64: /etc/y: Input/output error"]);
    for (const e of [quiet, loud]) expect(e.format()).not.toContain(secretFile);
  });

  it("reports expected commands that never ran", () => {
    const h = new FakeHost({ commands: [{ argv: ["x"] }] });
    expect(() => h.assertDone()).toThrow(/never ran:\n    \["x"\]/);
  });

  it("serves files, records writes, and throws for unconfigured reads", async () => {
    const h = new FakeHost({ files: { "/etc/a": "A", "/etc/missing": null }, unreadable: ["/etc/shadow"] });
    expect(await h.readFile("/etc/a")).toBe("A");
    expect(await h.readFile("/etc/missing")).toBeNull();
    await expect(h.readFile("/etc/other")).rejects.toThrow(/unexpected readFile \/etc\/other/);
    await expect(h.readFile("/etc/shadow")).rejects.toBeInstanceOf(HostError);
    await h.writeFile("/etc/missing", "new", { owner: "root", group: "prosody", mode: 0o640 });
    expect(h.writes).toEqual([{ path: "/etc/missing", content: "new", owner: "root", group: "prosody", mode: 0o640 }]);
    expect(await h.readFile("/etc/missing")).toBe("new");
    expect(h.reads).toEqual(["/etc/a", "/etc/missing", "/etc/other", "/etc/shadow", "/etc/missing"]);
  });

  it("refuses an upload cut off on the way as the host's write script does: the old file stays, nothing is recorded", async () => {
    const old = "app_secret = \"old\"\n";
    const h = new FakeHost({ name: "h", files: { "/etc/cut": old }, cutUploads: { "/etc/cut": 100 } });
    const err = (await h.writeFile("/etc/cut", "x".repeat(5000), { owner: "root", group: "root", mode: 0o640 }).catch((e: unknown) => e)) as HostError;
    expect(err).toBeInstanceOf(HostError);
    expect(err.format()).toMatch(/^h: the upload of \/etc\/cut arrived incomplete or altered, so it was not installed; the old file is untouched\n  provision-write: received \d+ of 5000 bytes/);
    expect(await h.readFile("/etc/cut")).toBe(old);
    expect(h.writes).toEqual([]);
  });

  it("forward throws unless configured", async () => {
    const stream = new PassThrough();
    const h = new FakeHost({ forwards: { "127.0.0.1:5280": () => stream } });
    expect(await h.forward("127.0.0.1", 5280)).toBe(stream);
    await expect(h.forward("127.0.0.1", 5222)).rejects.toThrow(/unexpected forward to 127.0.0.1:5222/);
  });

  it("applies the real host's argument validation and refuses use after close", async () => {
    const h = new FakeHost({ commands: [{ argv: ["echo", "a\0b"] }] });
    await expect(h.run(["echo", "a\0b"])).rejects.toThrow(/NUL/);
    await expect(h.run(["echo"], { user: "x" })).rejects.toThrow(/sudo/);
    await h.close();
    await expect(h.run(["true"])).rejects.toThrow(/after close/);
  });

  it("matches an inline script by its label and arguments (or any further arguments), and nothing else", async () => {
    const h = new FakeHost({ ordered: false, commands: [{ argv: ["<read>", "/a"], sudo: true }, { argv: ["<lock>", "/run/lock", ANY_ARGS], sudo: true }] });
    await h.run(["sh", "-c", "for f in ...", "lock", "/run/lock", "me", ""], { sudo: true });
    await expect(h.run(["sh", "-c", "other text", "read", "/b"], { sudo: true })).rejects.toThrow(/unexpected command \[sudo\] \["<read>","\/b"\]/);
    await h.run(["sh", "-c", "any text", "read", "/a"], { sudo: true });
    expect(() => h.assertDone()).toThrow(/unexpected command/);
  });

  it("answers a batch of facts fact by fact, and fails a fact it has no answer for", async () => {
    const f = (name: string, ...args: string[]): Fact<string> => ({ name, script: "echo", args, parse: (s) => s });
    const h = new FakeHost({ commands: [{ batch: { facts: { one: "1\n", two: (args) => ({ code: 2, stdout: "", stderr: `no ${args[0]}\n` }) } }, sudo: true }] });
    const { known } = await readBatch(h, [f("one"), f("two", "x")]);
    expect(known.get(factKey(f("one")))).toEqual({ value: "1\n" });
    expect(String((known.get(factKey(f("two", "x"))) as { error: Error }).error.message)).toMatch(/`two script x` failed with exit code 2/);
    h.assertDone();
    const strict = new FakeHost({ commands: [{ batch: { facts: {} }, sudo: true }] });
    await expect(readBatch(strict, [f("three")])).rejects.toThrow(/batch reads fact three/);
    expect(() => strict.assertDone()).toThrow(/batch reads fact three/);
  });
});
