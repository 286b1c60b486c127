import { describe, expect, it } from "vitest";
import { decideOwnership } from "./config-ownership.js";
import { parseServiceAccounts } from "./service-account.js";
import { ownershipOf, parseTmpfiles } from "./tmpfiles.js";

// What the AUR jicofo package ships (tmpfiles.conf), as the TMPFILES script prints it, plus unrelated rules.
const OUTPUT = `@@/usr/lib/tmpfiles.d/jicofo.conf
Z /etc/jicofo 0600 jicofo jitsi
@@/usr/lib/tmpfiles.d/jicofo.conf
z /etc/jicofo 0700 jicofo jitsi
@@/usr/lib/tmpfiles.d/etc.conf
d /etc 0755 - - -
@@/etc/tmpfiles.d/local.conf
f+ /etc/jitsi-videobridge/jvb.conf ~0640 - jitsi -`;

describe("tmpfiles.d rules", () => {
  const rules = parseTmpfiles(OUTPUT);
  it("parses type, path, mode, user, group and source; '-' is unset; modifiers and ~ are dropped", () => {
    expect(rules[0]).toEqual({ type: "Z", path: "/etc/jicofo", mode: 0o600, user: "jicofo", group: "jitsi", source: "/usr/lib/tmpfiles.d/jicofo.conf" });
    expect(rules[2]).toEqual({ type: "d", path: "/etc", mode: 0o755, source: "/usr/lib/tmpfiles.d/etc.conf" });
    expect(rules[3]).toEqual({ type: "f", path: "/etc/jitsi-videobridge/jvb.conf", mode: 0o640, group: "jitsi", source: "/etc/tmpfiles.d/local.conf" });
  });
  it("a file under a recursive Z gets its mode and owner; a non-recursive z or d on a parent does not count", () => {
    expect(ownershipOf("/etc/jicofo/jicofo.conf", rules)).toEqual({ owner: "jicofo", group: "jitsi", mode: 0o600, rule: "Z /etc/jicofo 0600 jicofo jitsi (/usr/lib/tmpfiles.d/jicofo.conf)" });
    expect(ownershipOf("/etc/prosody/prosody.cfg.lua", rules)).toEqual({});
  });
  it("a rule for the file itself wins, with only the fields it sets", () => {
    expect(ownershipOf("/etc/jitsi-videobridge/jvb.conf", rules)).toMatchObject({ group: "jitsi", mode: 0o640 });
    expect(ownershipOf("/etc/jitsi-videobridge/jvb.conf", rules).owner).toBeUndefined();
  });
});

describe("config file ownership", () => {
  it("follows the tmpfiles rule when there is one (AUR jicofo: jicofo:jitsi 0600)", () => {
    const t = ownershipOf("/etc/jicofo/jicofo.conf", parseTmpfiles(OUTPUT));
    expect(decideOwnership("jicofo", { user: "jicofo", group: "jitsi" }, t)).toMatchObject({ owner: "jicofo", group: "jitsi", mode: 0o600 });
  });
  it("does not follow a rule that would let others read the secrets", () => {
    const t = ownershipOf("/etc/jicofo/jicofo.conf", parseTmpfiles("@@/etc/tmpfiles.d/x.conf\nZ /etc/jicofo 0644 jicofo jitsi\n"));
    expect(decideOwnership("jicofo", { user: "jicofo", group: "jitsi" }, t)).toMatchObject({ owner: "root", group: "jitsi", mode: 0o640, why: expect.stringMatching(/not the tmpfiles rule Z \/etc\/jicofo 0644/) });
  });
  it("else root and the service's group, 0640", () => {
    expect(decideOwnership("jicofo", { user: "jicofo", group: "jicofo" }, {})).toEqual({ owner: "root", group: "jicofo", mode: 0o640, why: "readable by jicofo's group" });
    expect(decideOwnership("jicofo", { user: "jicofo", group: null }, {}).group).toBeNull();
  });
  it("reads User=/Group= per unit; a unit without User= runs as root; an unknown group is null", () => {
    const m = parseServiceAccounts("@@jicofo\njicofo\njitsi\n@@nginx\n\nroot\n@@ghost\nghost\n-\n@@gone\n-\n-\n", ["jicofo", "nginx", "ghost", "gone", "absent"]);
    expect(Object.fromEntries(m)).toEqual({
      jicofo: { user: "jicofo", group: "jitsi" },
      nginx: { user: "root", group: "root" },
      ghost: { user: "ghost", group: null },
      gone: { user: null, group: null },
      absent: { user: null, group: null },
    });
  });
});
