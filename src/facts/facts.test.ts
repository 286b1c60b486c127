import { describe, expect, it } from "vitest";
import { isArch, parseOsRelease } from "./os-release.js";
import { parsePacmanQ } from "./pacman.js";
import { parseProsodyAbout } from "./prosody-about.js";

describe("os-release", () => {
  it("parses quoted and bare values and recognises Arch", () => {
    const os = parseOsRelease('NAME="Arch Linux"\nPRETTY_NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling\n# c\n');
    expect(os).toMatchObject({ NAME: "Arch Linux", ID: "arch", BUILD_ID: "rolling" });
    expect(isArch(os)).toBe(true);
    expect(isArch(parseOsRelease('ID=endeavouros\nID_LIKE="arch"'))).toBe(true);
    expect(isArch(parseOsRelease('ID=debian\nVERSION_ID="12"'))).toBe(false);
  });
});

describe("pacman -Q", () => {
  it("reads names and versions, epochs included", () => {
    const q = parsePacmanQ("iana-etc 1:20241206-1\nlua-cjson 2.1.0.14-1\nprosody 1:13.0.2-1\nerror: package 'x' was not found\n");
    expect([...q]).toEqual([
      ["iana-etc", "1:20241206-1"],
      ["lua-cjson", "2.1.0.14-1"],
      ["prosody", "1:13.0.2-1"],
    ]);
  });
});

describe("prosodyctl about", () => {
  const about = `Prosody 0.12.3

# Prosody directories
Data directory:     /var/lib/prosody
Config directory:   /etc/prosody

# Lua environment
Lua version:             \tLua 5.4

Lua module search paths:
  /usr/lib/prosody/?.lua
  /usr/share/lua/5.4/?.lua

Lua C module search paths:
  /usr/lib/prosody/?.so
  /usr/lib/x86_64-linux-gnu/lua/5.4/?.so

LuaRocks:        \tNot installed
`;
  it("finds versions and the data dir", () => {
    expect(parseProsodyAbout(about)).toEqual({
      prosodyVersion: "0.12.3",
      luaVersion: "5.4",
      dataDir: "/var/lib/prosody",
    });
    expect(parseProsodyAbout("").luaVersion).toBeUndefined();
  });
});

describe("sections", async () => {
  const { sections } = await import("./sections.js");
  it("splits @@name markers, keeping text on the marker line", () => {
    const s = sections("head\n@@yay yes\n@@pacman\na 1\nb 2\n\n@@enabled\n");
    expect(s.get("")).toBe("head");
    expect(s.get("yay")).toBe("yes");
    expect(s.get("pacman")).toBe("a 1\nb 2");
    expect(s.get("enabled")).toBe("");
    expect(s.has("missing")).toBe(false);
  });
});

describe("unit states", async () => {
  const { parseUnitStates } = await import("./units.js");
  it("pairs one line per unit, and gives up when systemctl skipped a unit", () => {
    const m = parseUnitStates("@@enabled\nenabled\ndisabled\n@@active\nactive\ninactive\n", ["prosody", "jicofo"]);
    expect(m?.get("prosody")).toEqual({ enabled: true, active: true });
    expect(m?.get("jicofo")).toEqual({ enabled: false, active: false });
    expect(parseUnitStates("@@enabled\nenabled\n@@active\nactive\ninactive\n", ["prosody", "nope"])).toBeUndefined();
  });
});

describe("local-address", () => {
  it("reads the src of ip route get, IPv4 and IPv6, and nothing without a route", async () => {
    const { parseRouteSource } = await import("./local-address.js");
    expect(parseRouteSource("192.0.2.1 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0 \\    cache \n")).toBe("10.0.0.5");
    expect(parseRouteSource("2001:db8::1 from :: via fe80::1 dev eth0 proto ra src 2001:db8:5::7 metric 100 pref medium\n")).toBe("2001:db8:5::7");
    expect(parseRouteSource("")).toBeUndefined();
  });
});
