import { describe, expect, it } from "vitest";
import type { Host, RunOptions, RunResult } from "./host.js";
import { lineSplitter, withVerbose } from "./verbose.js";

/** A host whose commands print `chunks` through onOutput (as ssh.ts does, in arbitrary pieces) and record it. */
function printingHost(chunks: [string, "stdout" | "stderr"][]): Host & { calls: string[] } {
  const calls: string[] = [];
  const result = (): RunResult => ({ code: 0, stdout: chunks.filter((c) => c[1] === "stdout").map((c) => c[0]).join(""), stderr: "" });
  const run = async (argv: readonly string[], opts: RunOptions = {}) => {
    calls.push(argv.join(" "));
    for (const [text, stream] of chunks) opts.onOutput?.(text, stream);
    return result();
  };
  return {
    name: "h",
    calls,
    run,
    check: run,
    // Like ssh.ts: readFile runs `cat` on the inner host, so the decorator never sees it.
    readFile: async () => {
      calls.push("readFile");
      return "password = 'hunter2hunter2'\n";
    },
    writeFile: async () => undefined,
    forward: async () => {
      throw new Error("unused");
    },
    close: async () => undefined,
  };
}

describe("lineSplitter", () => {
  it("joins pieces into lines per stream, treats \\r as a line end, flushes the unfinished line, passes a long line on in pieces", () => {
    const got: string[] = [];
    const s = lineSplitter((l, stream) => got.push(`${stream}:${l}`));
    s.push("==> Build", "stdout");
    s.push("ing jitsi\n==> Done", "stdout");
    s.push("warn", "stderr");
    s.push("ing\r\n 10%\r 50%\r", "stderr");
    expect(got).toEqual(["stdout:==> Building jitsi", "stderr:warning", "stderr: 10%", "stderr: 50%"]);
    s.push("x".repeat(1000), "stdout");
    s.flush();
    expect(got.slice(4)).toEqual([`stdout:==> Done${"x".repeat(392)}`, `stdout:${"x".repeat(400)}`, `stdout:${"x".repeat(208)}`]);
  });
});

describe("withVerbose", () => {
  it("streams each line of run and check to the log as it arrives, marked, secret settings masked", async () => {
    const inner = printingHost([
      ["==> Making package: jitsi-meet 1.0\n==> Retrieving so", "stdout"],
      ["urces...\n", "stdout"],
      ["component_secret = \"abc123abc123\"\n", "stdout"],
      ["error: tail without newline", "stderr"],
    ]);
    const log: string[] = [];
    const host = withVerbose(inner, (l) => log.push(l));
    const seen: string[] = [];
    const r = await host.check(["yay", "-S", "jitsi-meet"], { onOutput: (t) => seen.push(t) });
    expect(log).toEqual([
      "| ==> Making package: jitsi-meet 1.0",
      "| ==> Retrieving sources...",
      '| component_secret = "********"',
      "| error: tail without newline",
    ]);
    expect(seen.join("")).toContain("Retrieving sources"); // a caller's own onOutput still gets everything
    expect(r.stdout).toContain("component_secret"); // the result is untouched: masking is for display only
    await host.run(["true"]);
    expect(log).toHaveLength(8);
  });

  it("never streams file contents read with readFile; passes the other calls through", async () => {
    const inner = printingHost([]);
    const log: string[] = [];
    const host = withVerbose(inner, (l) => log.push(l));
    expect(await host.readFile("/etc/jitsi/jicofo.conf", { sudo: true })).toContain("hunter2");
    expect(log).toEqual([]);
    expect(host.name).toBe("h");
    expect(inner.calls).toEqual(["readFile"]);
  });
});
