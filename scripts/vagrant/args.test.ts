import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { parseRebuildArgs, USAGE } from "./args.js";

describe("parseRebuildArgs", () => {
  it("has defaults", () => {
    expect(parseRebuildArgs([])).toEqual({ provider: undefined, domain: "meet.vagrant.test", keep: false, help: false, provisionArgs: [] });
  });

  it("reads every flag, both --flag value and --flag=value", () => {
    expect(parseRebuildArgs(["--provider", "virtualbox", "--domain=jitsi.lab.test", "--keep"])).toMatchObject({
      provider: "virtualbox",
      domain: "jitsi.lab.test",
      keep: true,
    });
    expect(parseRebuildArgs(["-h"]).help).toBe(true);
    expect(parseRebuildArgs(["--help"]).help).toBe(true);
  });

  it("falls back to VAGRANT_DEFAULT_PROVIDER; the flag wins", () => {
    expect(parseRebuildArgs([], { VAGRANT_DEFAULT_PROVIDER: "libvirt" }).provider).toBe("libvirt");
    expect(parseRebuildArgs(["--provider", "virtualbox"], { VAGRANT_DEFAULT_PROVIDER: "libvirt" }).provider).toBe("virtualbox");
    expect(parseRebuildArgs([], { VAGRANT_DEFAULT_PROVIDER: "" }).provider).toBeUndefined();
  });

  it("passes what follows -- to provision", () => {
    expect(parseRebuildArgs(["--keep", "--", "--check", "--domain", "x"]).provisionArgs).toEqual(["--check", "--domain", "x"]);
  });

  it("refuses unknown flags, positionals, bad providers and bad domains as usage errors", () => {
    expect(() => parseRebuildArgs(["--keeep"])).toThrow(UsageError);
    expect(() => parseRebuildArgs(["up"])).toThrow(UsageError);
    expect(() => parseRebuildArgs(["--provider", "docker"])).toThrow(/--provider "docker" is not supported/);
    expect(() => parseRebuildArgs([], { VAGRANT_DEFAULT_PROVIDER: "hyperv" })).toThrow(/VAGRANT_DEFAULT_PROVIDER "hyperv"/);
    expect(() => parseRebuildArgs(["--domain", "Meet.Test"])).toThrow(UsageError);
    expect(() => parseRebuildArgs(["--provider"])).toThrow(UsageError);
  });

  it("documents every flag in --help", () => {
    for (const f of ["--provider", "--domain", "--keep", "--help", "PROVISION_INVENTORY_DIR", "PROVISION_BIN"]) expect(USAGE).toContain(f);
  });
});
