// ensureInclude results loaded by the real lua5.4 with a stub Prosody environment (test/setup.sh installs it); the
// pure tests are in prosody-main.test.ts.
import { describe, expect, it } from "vitest";
import { MANAGED_INCLUDE_BLOCK, ensureInclude } from "./prosody-main.js";
import { fixture } from "../../test/support/render/golden.js";
import { loadProsodyConfig } from "../../test/support/render/load-prosody.js";

describe("ensureInclude on realistic configs", () => {
  it("appends the managed block to the Arch default (commented and long-commented Includes do not count)", () => {
    const before = fixture("prosody.cfg.lua.arch-default");
    expect(loadProsodyConfig(before).includes).toEqual([]);
    const { content, changed } = ensureInclude(before);
    expect(changed).toBe(true);
    expect(content.startsWith(before)).toBe(true);
    expect(content.slice(before.length)).toBe(`\n${MANAGED_INCLUDE_BLOCK}`);
    const loaded = loadProsodyConfig(content);
    expect(loaded.includes).toEqual(["conf.d/*.cfg.lua"]);
    // Nothing else changed: same globals and sections as before.
    expect(loaded.global).toEqual(loadProsodyConfig(before).global);
    expect(loaded.sections).toEqual(loadProsodyConfig(before).sections);
  });
});

describe("ensureInclude edge cases", () => {
  it("adds a newline when the file does not end with one", () => {
    const { content } = ensureInclude('admins = { } -- no newline');
    expect(content).toBe(`admins = { } -- no newline\n\n${MANAGED_INCLUDE_BLOCK}`);
    expect(loadProsodyConfig(content).includes).toEqual(["conf.d/*.cfg.lua"]);
  });

  it("appends after an Include that only appears inside a string", () => {
    const src = 'motd_text = [[Include "conf.d/*.cfg.lua"]]\n';
    const { content, changed } = ensureInclude(src);
    expect(changed).toBe(true);
    expect(loadProsodyConfig(content).includes).toEqual(["conf.d/*.cfg.lua"]);
  });
});
