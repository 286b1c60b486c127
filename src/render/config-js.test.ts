import { parse } from "@babel/parser";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { editConfigJs, readConfigJsHosts } from "./config-js.js";
import { HostError } from "../errors.js";
import { expectGolden, fixture } from "../../test/support/render/golden.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";

const P = { domain: "meet.example.com", guestDomain: "guest.meet.example.com" };
const WANT = {
  domain: "meet.example.com",
  anonymousdomain: "guest.meet.example.com",
  muc: "conference.meet.example.com",
  bosh: "https://meet.example.com/http-bind",
  websocket: "wss://meet.example.com/xmpp-websocket",
};

/** Runs config.js the way the browser would (as a classic script) and returns the resulting `config`. */
function evaluate(src: string): Record<string, unknown> {
  const ctx: Record<string, unknown> = {};
  vm.runInNewContext(`${src}\n;this.__config = config;`, ctx);
  return ctx.__config as Record<string, unknown>;
}

/** Every comment in the file, in order. */
function comments(src: string): string[] {
  return (parse(src, { sourceType: "script" }).comments ?? []).map((c) => c.value);
}

describe("editConfigJs on the upstream-style config.js", () => {
  const before = fixture("config.js.upstream");
  const after = editConfigJs(before, P);

  it("matches the golden file", () => {
    expectGolden("config.js.upstream.edited", after);
  });

  it("sets the values of docs/jitsi.md §3.4, as the browser would see them", () => {
    const cfg = evaluate(after) as { hosts: Record<string, string>; bosh: string; websocket: string };
    expect(cfg.hosts).toEqual({ domain: WANT.domain, anonymousdomain: WANT.anonymousdomain, muc: WANT.muc });
    expect(cfg.bosh).toBe(WANT.bosh);
    expect(cfg.websocket).toBe(WANT.websocket);
    expect(readConfigJsHosts(after)).toEqual(WANT);
  });

  it("keeps every other setting and every comment", () => {
    const a = evaluate(before);
    const b = evaluate(after);
    for (const k of Object.keys(a)) if (!["hosts", "bosh", "websocket"].includes(k)) expect(b[k], k).toEqual(a[k]);
    expect(comments(after)).toEqual(comments(before));
    // Only the lines holding our values differ.
    const removed = before.split("\n").filter((l) => !after.split("\n").includes(l));
    expect(removed.map((l) => l.trim())).toEqual([
      "domain: 'jitsi-meet.example.com',",
      "muc: 'conference.' + subdomain + 'jitsi-meet.example.com',",
      "bosh: 'https://jitsi-meet.example.com/' + subdomain + 'http-bind',",
    ]);
  });

  it("is idempotent (byte-identical on a second run)", () => {
    expect(editConfigJs(after, P)).toBe(after);
  });

  it("reads the package's original hosts (expressions are not plain strings)", () => {
    expect(readConfigJsHosts(before)).toEqual({ domain: "jitsi-meet.example.com" });
  });
});

describe("editConfigJs on a hand-edited config.js", () => {
  const before = fixture("config.js.hand-edited");
  const after = editConfigJs(before, P);

  it("matches the golden file", () => {
    expectGolden("config.js.hand-edited.edited", after);
  });

  it("keeps extra settings, comments and the `host:` typo block, and fixes `hosts`", () => {
    const cfg = evaluate(after) as Record<string, unknown>;
    expect(cfg.hosts).toEqual({ domain: WANT.domain, muc: WANT.muc, anonymousdomain: WANT.anonymousdomain });
    expect(cfg.host).toEqual({ anonymousdomain: "guest.meet.example.com" });
    expect(cfg.toolbarButtons).toEqual(["microphone", "camera", "hangup"]);
    expect(cfg.disableDeepLinking).toBe(true);
    expect(cfg.websocket).toBe(WANT.websocket); // the later `config.websocket = ...` statement was updated too
    expect(comments(after)).toEqual(comments(before));
    expect(after).toContain('domain: "meet.example.com", // keep double quotes'); // already right: untouched
    expect(editConfigJs(after, P)).toBe(after);
  });
});

describe("editConfigJs shapes", () => {
  it("adds a missing hosts object", () => {
    const out = editConfigJs("var config = {\n    p2p: { enabled: true },\n};\n", P);
    expect(evaluate(out)).toEqual({ p2p: { enabled: true }, hosts: { domain: WANT.domain, anonymousdomain: WANT.anonymousdomain, muc: WANT.muc }, bosh: WANT.bosh, websocket: WANT.websocket });
    expect(out).toBe(
      "var config = {\n    p2p: { enabled: true },\n    hosts: {\n        domain: 'meet.example.com',\n        anonymousdomain: 'guest.meet.example.com',\n        muc: 'conference.meet.example.com'\n    },\n    bosh: 'https://meet.example.com/http-bind',\n    websocket: 'wss://meet.example.com/xmpp-websocket',\n};\n",
    );
    expect(editConfigJs(out, P)).toBe(out);
  });

  it("fills an empty config object, a one-line object, and replaces a non-object hosts", () => {
    for (const src of ["var config = {};", "var config = { a: 1 };", "const config = { hosts: null, bosh: 5 }", "let config = {\n  hosts: {}\n}"]) {
      const out = editConfigJs(src, P);
      expect(readConfigJsHosts(out), src).toEqual(WANT);
      expect(editConfigJs(out, P), src).toBe(out);
    }
  });

  it("keeps a trailing comment on the last property's line", () => {
    const out = editConfigJs("var config = {\n    hosts: {\n        domain: 'x' // main\n    }\n};", P);
    expect(out).toContain("domain: 'meet.example.com', // main\n");
    expect(readConfigJsHosts(out)).toEqual(WANT);
  });

  it("refuses a file without a config object, naming the problem and the fix", () => {
    const refusal = expect.objectContaining({ where: "/etc/webapps/jitsi-meet/config.js", message: expect.stringMatching(/^no top-level `var config = \{ \.\.\. \}` object/), fix: expect.stringMatching(/^restore the file/) });
    expect(() => editConfigJs("var interfaceConfig = {};\n", P)).toThrow(HostError);
    expect(() => editConfigJs("var interfaceConfig = {};\n", P)).toThrow(refusal);
    expect(() => editConfigJs("", P)).toThrow(refusal);
  });

  it("refuses invalid JavaScript with the line number", () => {
    expect(() => editConfigJs("var config = {\n  hosts: {\n};\n", P)).toThrow(expect.objectContaining({ message: expect.stringMatching(/^not valid JavaScript at line \d/), fix: expect.stringMatching(/restore the file shipped/) }));
  });

  it("refuses a later wholesale `config.hosts = ...`", () => {
    expect(() => editConfigJs("var config = {};\nconfig.hosts = { domain: 'x' };\n", P)).toThrow(expect.objectContaining({ message: expect.stringMatching(/`config.hosts` is replaced/), fix: expect.stringMatching(/^remove that assignment/) }));
  });
});

describe("editConfigJs with hostile values", () => {
  it("cannot break out of the string literals", () => {
    const base = fixture("config.js.upstream");
    const statements = parse(base, { sourceType: "script" }).program.body.length;
    for (const s of HOSTILE_STRINGS.filter((x) => x.length < 1000)) {
      const out = editConfigJs(base, { domain: s, guestDomain: `g${s}` });
      expect(parse(out, { sourceType: "script" }).program.body.length).toBe(statements);
      const cfg = evaluate(out) as { hosts: Record<string, string>; bosh: string };
      expect(cfg.hosts).toEqual({ domain: s, anonymousdomain: `g${s}`, muc: `conference.${s}` });
      expect(cfg.bosh).toBe(`https://${s}/http-bind`);
      expect(out.toLowerCase()).not.toContain("</script");
      expect(editConfigJs(out, { domain: s, guestDomain: `g${s}` })).toBe(out);
    }
  });
});
