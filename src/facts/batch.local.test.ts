// The batch driver under a real sh: each fact gets exactly its own arguments, output and errors come back apart.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACQUIRE } from "../lock.js";
import { batchArgv, batchInput, parseBatch } from "./batch.js";
import type { Fact } from "./fact.js";

const TAG = "@@@test-0123";
const run = (argv: string[]) => spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
const fact = (name: string, script: string, ...args: string[]): Fact<string> => ({ name, script, args, parse: (s) => s });

describe("batch driver (sh)", () => {
  it("runs each fact with its own arguments (spaces, quotes, $, none, more than nine), keeping output and errors apart", () => {
    const many = Array.from({ length: 12 }, (_, i) => `a${i + 1}`);
    const facts = [
      fact("args", `printf '[%s]\\n' "$0" "$@"`, "one two", `it's "$HOME" \`x\``, ""),
      fact("none", "echo no args; echo $#"),
      fact("many", `echo "$#" "\${12}"`, ...many),
      fact("fails", "echo partial; echo boom >&2; exit 3"),
      fact("no-newline", "printf 'x'"),
    ];
    const r = run(batchArgv(TAG, undefined, facts));
    expect(r.status).toBe(0);
    const out = parseBatch(r.stdout, TAG);
    expect(out.lock).toBeUndefined();
    expect(out.facts).toEqual([
      { code: 0, stdout: `[args]\n[one two]\n[it's "$HOME" \`x\`]\n[]\n`, stderr: "" },
      { code: 0, stdout: "no args\n0\n", stderr: "" },
      { code: 0, stdout: "12 a12\n", stderr: "" },
      { code: 3, stdout: "partial\n", stderr: "boom\n" },
      { code: 0, stdout: "x", stderr: "" },
    ]);
  });

  it("gives each fact that takes input its own line of the batch's standard input (and the others, and the lock, none)", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "batch-")), "lock");
    const lock = { script: `cat >/dev/null; ${ACQUIRE}`, dir, me: "user=a control=b pid=1 since=now", stale: "" };
    const facts: Fact<string>[] = [
      { ...fact("first", `IFS= read -r x; echo "got [$x] $1"`, "arg"), input: "digest one" },
      fact("none", `cat; echo "(nothing)"`),
      { ...fact("second", `IFS= read -r x; echo "got [$x]"`), input: "it's $HOME" },
    ];
    const argv = batchArgv(TAG, lock, facts);
    expect(argv.join(" ")).not.toMatch(/digest one|HOME/);
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", input: batchInput(facts) });
    const out = parseBatch(r.stdout, TAG);
    expect(out.lock?.code).toBe(0);
    expect(out.facts.map((f) => f.stdout)).toEqual(["got [digest one] arg\n", "(nothing)\n", "got [it's $HOME]\n"]);
    expect(batchInput([fact("none", "true")])).toBeUndefined();
  });

  it("takes the lock first and reads the facts only when it was taken", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "batch-")), "lock");
    const lock = { script: ACQUIRE, dir, me: "user=a control=b pid=1 since=now", stale: "" };
    const first = run(batchArgv(TAG, lock, [fact("hello", "echo hi")]));
    expect(first.status).toBe(0);
    expect(parseBatch(first.stdout, TAG)).toEqual({ lock: { code: 0, stdout: "" }, facts: [{ code: 0, stdout: "hi\n", stderr: "" }] });
    const held = run(batchArgv(TAG, { ...lock, me: "user=c control=d pid=2 since=now" }, [fact("hello", "echo hi")]));
    expect(held.status).toBe(3);
    const parsed = parseBatch(held.stdout, TAG);
    expect(parsed.lock?.code).toBe(3);
    expect(parsed.lock?.stdout).toMatch(/^user=a control=b pid=1 since=now session=/);
    expect(parsed.facts).toEqual([]);
  });
});
