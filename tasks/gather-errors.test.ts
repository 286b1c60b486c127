// A failing fact never quotes its output, which carries file contents.
import { describe, expect, it } from "vitest";
import { HostError } from "../src/errors.js";
import { settle, type Fact } from "../src/facts/fact.js";
import { jicofo, JICOFO_CONF, type JicofoFacts } from "./jicofo.js";
import { testInventory } from "../test/support/tasks/harness.js";

describe("fact failures", () => {
  it("a read of jicofo.conf that fails half-way shows no base64 of the file (its focus password)", () => {
    const conf = 'jicofo { xmpp { client { password = "focus-s3cret-FAKE" } } }\n';
    const b64 = Buffer.from(conf).toString("base64");
    const fact = (jicofo.facts(testInventory()) as { [K in keyof JicofoFacts]: Fact<JicofoFacts[K]> }).file;
    const got = settle(fact, { code: 141, stdout: `@@file ${JICOFO_CONF}\nroot jicofo 640\n${b64}\n`, stderr: "" }, 0, "meet");
    expect("error" in got).toBe(true);
    const e = (got as { error: Error }).error;
    expect(e).toBeInstanceOf(HostError);
    const text = (e as HostError).format();
    expect(text).toMatch(/`read script \/etc\/jicofo\/jicofo\.conf` failed with exit code 141/);
    for (const leak of [b64, b64.slice(0, 24), "focus-s3cret-FAKE"]) expect(text).not.toContain(leak);
  });
});
