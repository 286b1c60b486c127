import { describe, expect, it } from "vitest";
import { HostError } from "../src/errors.js";
import { parseProsodyLua } from "../src/facts/prosody-lua.js";
import { LUA_REQUIRES, packageFor, packages, type PackagesFacts } from "./packages.js";
import { testInventory } from "../test/support/tasks/harness.js";

const inv = testInventory();
const loads = (extra: Record<string, string | undefined> = {}) => new Map<string, string | undefined>([...Object.keys(LUA_REQUIRES).map((m) => [m, undefined] as const), ["luajwtjitsi", "not found"], ...Object.entries(extra)]);
const facts = (over: Partial<PackagesFacts>): PackagesFacts => ({ luaVersion: "5.4", installed: new Map(), probe: loads(), bundledJwt: true, ...over });

describe("packages plan", () => {
  it("installs only the Lua 5.4 packages that are missing", () => {
    const plan = packages.plan(inv, facts({ installed: new Map([["lua-sec", "1.3.2-1"], ["lua-cjson", "2.1.0-1"]]) }));
    expect(plan.changes).toEqual([{ kind: "packages", names: ["lua-basexx", "lua-luaossl", "lua-inspect"] }]);
  });
  it("uses the lua52-* packages on Lua 5.2, and the JWT library only when the plugins do not bundle it", () => {
    expect(packages.plan(inv, facts({ luaVersion: "5.2" })).changes).toEqual([{ kind: "packages", names: ["lua52-basexx", "lua52-cjson", "lua52-luaossl", "lua52-inspect", "lua52-sec"] }]);
    expect(packages.plan(inv, facts({ luaVersion: "5.2", bundledJwt: false })).changes[0]).toMatchObject({ names: expect.arrayContaining(["lua52-jwtjitsi"]) });
    expect(packageFor("5.3", "openssl.hmac")).toBe("lua53-luaossl");
  });
  it("with everything installed and loadable there is nothing to do, and it says why", () => {
    const installed = new Map(["lua-basexx", "lua-cjson", "lua-luaossl", "lua-inspect", "lua-sec"].map((p) => [p, "1-1"]));
    const plan = packages.plan(inv, facts({ installed }));
    expect(plan.changes).toEqual([]);
    expect(plan.reason).toMatch(/Lua 5\.4: .* installed and loadable$/);
    // A separate luajwtjitsi on the path next to the bundled one is worth a warning (docs/failure-modes.md #2).
    expect(packages.plan(inv, facts({ installed, probe: loads({ luajwtjitsi: undefined }) })).reason).toMatch(/may shadow the bundled one/);
  });
  it("installed but not loadable fails naming the module and its package", () => {
    const installed = new Map(["lua-basexx", "lua-cjson", "lua-luaossl", "lua-inspect", "lua-sec"].map((p) => [p, "1-1"]));
    const run = () => packages.plan(inv, facts({ installed, probe: loads({ inspect: "module 'inspect' not found" }) }));
    expect(run).toThrow(HostError);
    expect(run).toThrow(/cannot load inspect/);
    try {
      run();
    } catch (e) {
      expect((e as HostError).lines.join("\n")).toContain("(package lua-inspect)");
    }
  });
});

describe("the prosody-lua fact", () => {
  const modules = [...Object.keys(LUA_REQUIRES), "luajwtjitsi"];
  it("reads Lua version, packages and the probe from one command's output", () => {
    const out = [
      "@@about",
      "Prosody 13.0.2",
      "Lua version:             \tLua 5.4",
      "@@pacman",
      "lua-cjson 2.1.0.14-1",
      "prosody 1:13.0.2-1",
      "@@bundled",
      "yes",
      "@@interp",
      "Lua 5.4.7  Copyright (C) 1994-2024 Lua.org, PUC-Rio",
      "@@probe",
      "ok basexx",
      "missing cjson.safe module 'cjson.safe' not found:",
    ].join("\n");
    const f = parseProsodyLua(out, modules);
    expect(f.luaVersion).toBe("5.4");
    expect(f.prosodyVersion).toBe("13.0.2");
    expect(f.installed.get("prosody")).toBe("1:13.0.2-1");
    expect(f.bundledJwt).toBe(true);
    expect(f.probe.get("basexx")).toBeUndefined();
    expect(f.probe.get("cjson.safe")).toMatch(/not found/);
    // Modules the probe never reported count as not loadable.
    expect(f.probe.get("inspect")).toMatch(/could not be run/);
  });
  it("falls back to the interpreter's version when prosodyctl cannot read its config, and LUA_VERSION wins", () => {
    const f = parseProsodyLua("@@about-error\nconfig error\n@@about\n\n@@pacman\n@@bundled\nno\n@@interp\nLua 5.2.4  Copyright\n@@probe\n", modules);
    expect(f).toMatchObject({ luaVersion: "5.2", aboutError: "config error" });
    expect(packages.plan(inv, f).changes[0]).toMatchObject({ names: expect.arrayContaining(["lua52-basexx"]) });
    expect(packages.plan(testInventory({ luaVersion: "5.3" }), f).changes[0]).toMatchObject({ names: expect.arrayContaining(["lua53-basexx"]) });
  });
  it("is declared for the plugin dir and every module the plugins require, luajwtjitsi included", () => {
    const fact = packages.facts(inv) as { name: string; args: readonly string[] };
    expect(fact.name).toBe("gather");
    expect(fact.args[0]).toBe(inv.jitsi.pluginDir);
    expect(fact.args.slice(2)).toEqual(modules);
  });
});
