import { describe, expect, it } from "vitest";
import { maskSecrets, secretForms, unifiedDiff } from "./diff.js";
import { editJicofo } from "./jicofo.js";
import { renderProsodyConfig } from "./prosody.js";
import { HOSTILE_STRINGS } from "./testing/hostile.js";

const PROSODY = {
  domain: "meet.example.com",
  guestDomain: "guest.meet.example.com",
  appId: "app",
  audience: "jitsi",
  pluginDir: "/usr/lib/jitsi-meet-prosody",
  certDir: "/etc/prosody/certs",
};

describe("unifiedDiff", () => {
  it("shows changed lines with file headers", () => {
    const d = unifiedDiff("/etc/x.conf", "a\nb\nc\n", "a\nB\nc\n");
    expect(d).toContain("--- a/etc/x.conf");
    expect(d).toContain("+++ b/etc/x.conf");
    expect(d).toContain("-b\n+B\n");
  });
  it("treats a missing file as /dev/null and equal content as no diff", () => {
    expect(unifiedDiff("/etc/new", null, "x\n")).toContain("--- /dev/null");
    expect(unifiedDiff("/etc/same", "x\n", "x\n")).toBe("");
  });
});

describe("maskSecrets", () => {
  it("masks raw secrets and leaves other text", () => {
    expect(maskSecrets("pw=hunter22 user=bob", ["hunter22"])).toBe("pw=******** user=bob");
    expect(maskSecrets("nothing here", [""])).toBe("nothing here");
  });

  it("masks hostile secrets in a diff of the rendered Prosody file and jicofo.conf", () => {
    for (const s of HOSTILE_STRINGS.filter((x) => x.length >= 3)) {
      const secret = `S3${s}`;
      const lua = unifiedDiff("/etc/prosody/conf.d/x.cfg.lua", null, renderProsodyConfig({ ...PROSODY, appSecret: secret }));
      const hocon = unifiedDiff("/etc/jicofo/jicofo.conf", "", editJicofo("", { domain: "meet.example.com", prosodyAddress: "127.0.0.1", focusPassword: secret }));
      for (const text of [lua, hocon]) {
        const masked = maskSecrets(text, [secret]);
        for (const f of secretForms(secret)) expect(masked.includes(f), JSON.stringify(s)).toBe(false);
        expect(masked).toContain("********");
      }
    }
  });

  it("masks the longest form first so no partial secret leaks", () => {
    expect(maskSecrets('x = "a\\"b"', ['a"b', "a"])).toBe('x = "********"');
  });
});
