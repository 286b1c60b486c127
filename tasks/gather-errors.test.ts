// A failing fact gatherer never quotes its output, which carries file contents (issue 9, 9).
import { describe, expect, it } from "vitest";
import { HostError } from "../src/errors.js";
import { FakeHost } from "../test/support/host/fake-host.js";
import type { RunState } from "../src/task.js";
import { jicofo, JICOFO_CONF } from "./jicofo.js";
import { testInventory } from "../test/support/tasks/harness.js";

describe("gather failures", () => {
  it("a read of jicofo.conf that fails half-way shows no base64 of the file (its focus password)", async () => {
    const conf = 'jicofo { xmpp { client { password = "focus-s3cret-FAKE" } } }\n';
    const b64 = Buffer.from(conf).toString("base64");
    const host = new FakeHost({ commands: [{ argv: ["<read>", JICOFO_CONF], sudo: true, result: { code: 141, stdout: `@@file ${JICOFO_CONF}\nroot jicofo 640\n${b64}\n` } }] });
    const run = host.run.bind(host);
    host.run = (argv, opts) => run(argv[3] === "read" ? ["<read>", ...argv.slice(4)] : argv, opts);
    const state: RunState = { notified: new Set(), written: [], secrets: new Set(), facts: new Map() };
    const e = await jicofo.gather({ host, inv: testInventory(), check: false, state, log: () => undefined }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HostError);
    const text = (e as HostError).format();
    expect(text).toMatch(/`read script \/etc\/jicofo\/jicofo\.conf` failed with exit code 141/);
    for (const leak of [b64, b64.slice(0, 24), "focus-s3cret-FAKE"]) expect(text).not.toContain(leak);
  });
});
