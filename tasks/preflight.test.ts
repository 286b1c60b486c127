import { describe, expect, it } from "vitest";
import { preflight } from "./preflight.js";
import { testInventory } from "../test/support/tasks/harness.js";

const inv = testInventory();
const arch = { ID: "arch", PRETTY_NAME: "Arch Linux" };

describe("preflight plan", () => {
  it("accepts Arch with a sudo-capable non-root user, changing nothing", () => {
    expect(preflight.plan(inv, { os: arch, uid: 1000, sudo: true, sudoMessage: "sudo-ok", clockSkew: 2, packages: [] })).toEqual({ changes: [], reason: "Arch Linux, arch has passwordless sudo" });
  });
  it("refuses another distribution, root, and sudo asking for a password, each with a fix", () => {
    expect(() => preflight.plan(inv, { os: { ID: "debian", PRETTY_NAME: "Debian GNU/Linux 12" }, uid: 1000, sudo: true, sudoMessage: "", clockSkew: 0, packages: [] })).toThrow(/not Arch Linux \(os-release ID=debian, Debian GNU\/Linux 12\)$/);
    // The decision is on ID (and ID_LIKE), so the message quotes them, not only the name.
    const plan = (os: Record<string, string>) => () => preflight.plan(inv, { os, uid: 1000, sudo: true, sudoMessage: "", clockSkew: 0, packages: [] });
    expect(plan({ ID: "ubuntu", ID_LIKE: "debian", NAME: "Ubuntu" })).toThrow(/^not Arch Linux \(os-release ID=ubuntu, ID_LIKE=debian, Ubuntu\)$/);
    expect(plan({ NAME: "Arch Linux" })).toThrow(/^not Arch Linux \(os-release ID=\(none\), Arch Linux\)$/);
    expect(() => preflight.plan(inv, { os: arch, uid: 0, sudo: true, sudoMessage: "", clockSkew: 0, packages: [] })).toThrow(/logged in as root/);
    try {
      preflight.plan(inv, { os: arch, uid: 1000, sudo: false, sudoMessage: "sudo: a password is required", clockSkew: 0, packages: [] });
      expect.unreachable();
    } catch (e) {
      expect((e as { fix: string }).fix).toMatch(/NOPASSWD/);
    }
  });
  it("refuses a host whose clock is too far off (tokens minted here would be refused there)", () => {
    expect(() => preflight.plan(inv, { os: arch, uid: 1000, sudo: true, sudoMessage: "sudo-ok", clockSkew: -300, packages: [] })).toThrow(/300 s behind/);
    expect(preflight.plan(inv, { os: arch, uid: 1000, sudo: true, sudoMessage: "sudo-ok", clockSkew: 30, packages: [] }).changes).toEqual([]);
  });
  it("refuses a host with a variant package of the Jitsi stack, naming it and the regular package", () => {
    const ok = { os: arch, uid: 1000, sudo: true, sudoMessage: "sudo-ok", clockSkew: 0 };
    expect(() => preflight.plan(inv, { ...ok, packages: ["prosody", "jicofo-nightly", "jitsi-meet-prosody-nightly"] })).toThrow(
      /jicofo-nightly, jitsi-meet-prosody-nightly are variant packages of the Jitsi stack that provision does not manage/,
    );
    try {
      preflight.plan(inv, { ...ok, packages: ["jitsi-videobridge-nightly-bin"] });
      expect.unreachable();
    } catch (e) {
      expect((e as { fix: string }).fix).toMatch(/sudo pacman -R jitsi-videobridge-nightly-bin;.*regular packages \(jitsi-videobridge\)/);
    }
    expect(preflight.plan(inv, { ...ok, packages: ["jicofo", "jitsi-videobridge", "jitsi-meet", "jitsi-meet-prosody", "yay-bin"] }).changes).toEqual([]);
    // -bin packages provide the regular names and use their paths and units.
    expect(preflight.plan(inv, { ...ok, packages: ["jicofo-bin", "jitsi-videobridge-bin", "jitsi-meet-bin", "jitsi-meet-prosody-bin"] }).changes).toEqual([]);
    expect(() => preflight.plan(inv, { ...ok, packages: ["jitsi-meet-prosody-plugins"] })).toThrow(/regular packages \(jitsi-meet-prosody\)|jitsi-meet-prosody-plugins is a variant/);
  });
});
