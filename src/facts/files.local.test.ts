// The file fact through a real sh on this machine: regular files, absent paths, and files that exist but cannot be read
// (a read error, a FIFO, a directory) — those fail naming the path, never read as empty or as absent.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { HostError } from "../errors.js";
import { checkError } from "../host/remote-command.js";
import type { Host, RunResult } from "../host/host.js";
import { readFact } from "./fact.js";
import { file, renderedFile } from "./files.js";

const dir = mkdtempSync(join(tmpdir(), "read-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs argv here with `stdin` (sudo ignored: the tests read what this user can read). */
function run(argv: readonly string[], opts: { stdin?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(argv[0]!, argv.slice(1), (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    child.stdin!.end(opts.stdin ?? "");
  });
}
const local = {
  name: "local",
  run,
  async check(argv: readonly string[]) {
    const r = await run(argv);
    if (r.code !== 0) throw checkError(argv, r.code, r.stderr, "local");
    return r;
  },
} as unknown as Host;

describe("file fact (real sh)", () => {
  it("reads regular files with owner, group and mode; an absent path is null", async () => {
    const f = join(dir, "a.conf");
    writeFileSync(f, "x = 1\n", { mode: 0o640 });
    expect(await readFact(local, file(f))).toMatchObject({ content: "x = 1\n", mode: 0o640 });
    expect(await readFact(local, file(join(dir, "absent.conf")))).toBeNull();
  });

  // Regression (docs/failure-modes.md #21): an unreadable jicofo.conf was read as an empty file, so the run planned to replace it
  // with only its managed block (the package's settings and the focus password gone).
  it("a file that exists but cannot be read fails, naming it and the error, instead of reading as empty", async () => {
    const err = await readFact(local, file("/proc/self/mem")).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as HostError).format()).toMatch(/provision-read: cannot read \/proc\/self\/mem/);
  });

  it("a path that is a FIFO or a directory fails as not a regular file, instead of reading as absent (or blocking)", async () => {
    const fifo = join(dir, "fifo.conf");
    await run(["mkfifo", fifo]);
    const sub = join(dir, "dir.conf");
    mkdirSync(sub);
    for (const [p, kind] of [[fifo, "fifo"], [sub, "directory"]] as const) {
      const err = await readFact(local, file(p)).catch((e: Error) => e);
      expect(err, p).toBeInstanceOf(Error);
      expect((err as HostError).format()).toContain(`${p} exists but is not a regular file (${kind})`);
    }
  });
});

describe("rendered file fact (real sh)", () => {
  it("an unchanged file is compared on the host and not carried back; a changed one comes with its content", async () => {
    const f = join(dir, "site.conf");
    writeFileSync(f, "server {}\n", { mode: 0o644 });
    const same = renderedFile(f, "server {}\n");
    const raw = await run(["sh", "-c", same.script, same.name, ...same.args], { stdin: `${same.input}\n` });
    expect(raw.stdout).not.toContain(Buffer.from("server {}\n").toString("base64"));
    expect(same.args.join(" ")).not.toContain(same.input); // the digest is not in the argument list
    expect(await readFact(local, same)).toMatchObject({ content: "server {}\n", mode: 0o644 });
    expect(await readFact(local, renderedFile(f, "server { listen 443; }\n"))).toMatchObject({ content: "server {}\n" });
    expect(await readFact(local, renderedFile(join(dir, "none.conf"), "x"))).toBeNull();
  });
});
