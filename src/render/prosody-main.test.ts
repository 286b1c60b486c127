import { describe, expect, it } from "vitest";
import { MANAGED_INCLUDE_BLOCK, ensureInclude, hasActiveInclude } from "./prosody-main.js";
import { fixture } from "./testing/golden.js";
import { loadProsodyConfig } from "./testing/load-prosody.js";

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

  it("is idempotent", () => {
    const once = ensureInclude(fixture("prosody.cfg.lua.arch-default")).content;
    expect(ensureInclude(once)).toEqual({ content: once, changed: false });
  });

  it("leaves the Debian layout (active single-quoted Include) untouched", () => {
    const before = fixture("prosody.cfg.lua.debian");
    expect(ensureInclude(before)).toEqual({ content: before, changed: false });
  });
});

describe("hasActiveInclude", () => {
  const active = [
    'Include "conf.d/*.cfg.lua"',
    "Include 'conf.d/*.cfg.lua'",
    'Include("conf.d/*.cfg.lua")',
    'Include ( "conf.d/*.cfg.lua" )',
    'Include   "conf.d/*.cfg.lua"   -- jitsi',
    "Include [[conf.d/*.cfg.lua]]",
    'Include "/etc/prosody/conf.d/*.cfg.lua"',
    'admins = { } Include "conf.d/*.cfg.lua"',
    '-- x\nVirtualHost "localhost"\n\tInclude "conf.d/*.cfg.lua"',
  ];
  const inactive = [
    "",
    '--Include "conf.d/*.cfg.lua"',
    '-- Include "conf.d/*.cfg.lua"',
    '--[[\nInclude "conf.d/*.cfg.lua"\n]]',
    '--[==[\nInclude "conf.d/*.cfg.lua"\n]] still comment ]==]',
    'x = "Include \'conf.d/*.cfg.lua\'"',
    'x = [[\nInclude "conf.d/*.cfg.lua"\n]]',
    'MyInclude "conf.d/*.cfg.lua"',
    'config.Include "conf.d/*.cfg.lua"',
    'Include "conf.d/other.cfg.lua"',
    'Include "conf.avail/*.cfg.lua"',
  ];
  it.each(active)("counts %j", (src) => expect(hasActiveInclude(src)).toBe(true));
  it.each(inactive)("does not count %j", (src) => expect(hasActiveInclude(src)).toBe(false));
});

describe("ensureInclude edge cases", () => {
  it("adds a newline when the file does not end with one", () => {
    const { content } = ensureInclude('admins = { } -- no newline');
    expect(content).toBe(`admins = { } -- no newline\n\n${MANAGED_INCLUDE_BLOCK}`);
    expect(loadProsodyConfig(content).includes).toEqual(["conf.d/*.cfg.lua"]);
  });

  it("handles an empty file", () => {
    expect(ensureInclude("").content).toBe(MANAGED_INCLUDE_BLOCK);
  });

  it("refuses a file that ends inside a long comment, where an appended Include would be swallowed", () => {
    expect(() => ensureInclude('admins = { }\n--[[ unterminated\nInclude "x"\n')).toThrow(/prosody\.cfg\.lua.*fix the file/);
  });

  it("appends after an Include that only appears inside a string", () => {
    const src = 'motd_text = [[Include "conf.d/*.cfg.lua"]]\n';
    const { content, changed } = ensureInclude(src);
    expect(changed).toBe(true);
    expect(loadProsodyConfig(content).includes).toEqual(["conf.d/*.cfg.lua"]);
  });
});
