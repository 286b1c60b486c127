// The floor's script run by a real shell, as the host runs it (sh -s): every traced command in order, each with its own stdin.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { floorScript, type SshTrace } from "./report.js";

describe("floorScript", () => {
  const trace: SshTrace = {
    connections: 1,
    execs: [
      { cmd: "printf '%s\\n' first", stdin: "", at: 0 },
      { cmd: "cat", stdin: `${Buffer.from("in ").toString("base64")}\n${Buffer.from("two chunks").toString("base64")}\n`, at: 1 },
      { cmd: "cat; echo after", stdin: "", at: 2 },
    ],
    forwards: [],
  };

  it("the floor's script runs every command in order with its own stdin, none reading the script itself", () => {
    const script = floorScript(trace).replaceAll(">/dev/null 2>&1", "");
    // Run as the host runs it: fed to sh -s on stdin.
    const out = execFileSync("sh", ["-s"], { input: script }).toString();
    expect(out).toBe("first\nin two chunksafter\n");
  });

});
