import { describe, expect, it } from "vitest";
import { MANAGED_INCLUDE_BLOCK, ensureInclude, hasActiveInclude } from "./prosody-main.js";
import { HostError } from "../errors.js";
import { fixture } from "../../test/support/render/golden.js";

// The tests that load the result with lua5.4 are in prosody-main.local.test.ts.

describe("ensureInclude on realistic configs", () => {
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
  it("handles an empty file", () => {
    expect(ensureInclude("").content).toBe(MANAGED_INCLUDE_BLOCK);
  });

  it("refuses a file that ends inside a long comment, where an appended Include would be swallowed", () => {
    const f = () => ensureInclude('admins = { }\n--[[ unterminated\nInclude "x"\n');
    expect(f).toThrow(HostError);
    expect(f).toThrow(expect.objectContaining({ where: "/etc/prosody/prosody.cfg.lua", message: expect.stringMatching(/^cannot be read as Lua/), fix: expect.stringMatching(/^fix the file/) }));
  });
});
