import { describe, expect, it } from "vitest";
import { preflight } from "./preflight.js";
import { testInventory } from "./testing.js";

const inv = testInventory();
const arch = { ID: "arch", PRETTY_NAME: "Arch Linux" };

describe("preflight plan", () => {
  it("accepts Arch with a sudo-capable non-root user, changing nothing", () => {
    expect(preflight.plan(inv, { os: arch, uid: 1000, sudo: true, sudoMessage: "sudo-ok" })).toEqual({ changes: [], reason: "Arch Linux, arch has passwordless sudo" });
  });
  it("refuses another distribution, root, and sudo asking for a password, each with a fix", () => {
    expect(() => preflight.plan(inv, { os: { ID: "debian", PRETTY_NAME: "Debian GNU/Linux 12" }, uid: 1000, sudo: true, sudoMessage: "" })).toThrow(/not Arch Linux \(os-release says Debian GNU\/Linux 12\)/);
    expect(() => preflight.plan(inv, { os: arch, uid: 0, sudo: true, sudoMessage: "" })).toThrow(/logged in as root/);
    try {
      preflight.plan(inv, { os: arch, uid: 1000, sudo: false, sudoMessage: "sudo: a password is required" });
      expect.unreachable();
    } catch (e) {
      expect((e as { fix: string }).fix).toMatch(/NOPASSWD/);
    }
  });
});
