import { describe, expect, it } from "vitest";
import { editJicofoConf, existingFocusPassword, JICOFO_INCLUDE, renderJicofoProvision, type JicofoParams } from "./jicofo.js";
import { expectGolden, fixture } from "../../test/support/render/golden.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";

const P: JicofoParams = { domain: "meet.example.com", prosodyAddress: "127.0.0.1", focusPassword: "golden-FAKE-focus-pw" };

// The checks with the real typesafe-config library (the package's file + our include resolve as meant) are in
// jicofo.local.test.ts.

describe("renderJicofoProvision", () => {
  it("matches the golden file", () => {
    expectGolden("jicofo.provision.conf", renderJicofoProvision(P));
  });

  it("keeps one setting per line whatever the values hold", () => {
    const lines = renderJicofoProvision(P).split("\n").length;
    for (const s of HOSTILE_STRINGS) {
      const out = renderJicofoProvision({ domain: s, prosodyAddress: s, focusPassword: s });
      expect(out.split("\n").length, JSON.stringify(s)).toBe(lines);
    }
  });
});

describe("editJicofoConf", () => {
  it("matches the golden file: the package's file, untouched, and our include line at the end", () => {
    const pkg = fixture("jicofo.conf.postinst");
    const out = editJicofoConf(pkg);
    expectGolden("jicofo.conf.postinst.included", out);
    expect(out.startsWith(pkg)).toBe(true);
    expect(out.split(JICOFO_INCLUDE).length).toBe(2);
  });

  it("migrates a host provisioned with the managed block: the block goes, the package's text is back as it was", () => {
    const migrated = editJicofoConf(fixture("jicofo.conf.postinst.old-block"));
    expect(migrated).toBe(editJicofoConf(fixture("jicofo.conf.postinst")));
    expect(migrated).not.toMatch(/provision-managed|golden-FAKE/);
  });

  it("is idempotent on every fixture", () => {
    for (const name of ["jicofo.conf.postinst", "jicofo.conf.hand-edited", "jicofo.conf.braced", "jicofo.conf.postinst.old-block"]) {
      const once = editJicofoConf(fixture(name));
      expect(editJicofoConf(once), name).toBe(once);
    }
  });
});

describe("existingFocusPassword", () => {
  it("reads our file, else the old managed block of a migrated host, else nothing", () => {
    expect(existingFocusPassword(renderJicofoProvision(P), null)).toBe(P.focusPassword);
    const ours = renderJicofoProvision({ ...P, focusPassword: "ours-FAKE" });
    expect(existingFocusPassword(ours, fixture("jicofo.conf.postinst.old-block"))).toBe("ours-FAKE");
    expect(existingFocusPassword(null, fixture("jicofo.conf.postinst.old-block"))).toBe("golden-FAKE-focus-pw");
    // The package's own password (outside any block) is not ours to keep: ours overrides it (docs/hocon.md).
    expect(existingFocusPassword(null, fixture("jicofo.conf.postinst"))).toBeUndefined();
    expect(existingFocusPassword(null, null)).toBeUndefined();
    expect(existingFocusPassword("# emptied by hand\n", null)).toBeUndefined();
    // A damaged old block reads as no password (editJicofoConf refuses it, naming the fix).
    expect(existingFocusPassword(null, fixture("jicofo.conf.postinst.old-block").replace("# END provision-managed\n", ""))).toBeUndefined();
  });

  it("round-trips every hostile password through our file", () => {
    for (const s of HOSTILE_STRINGS) {
      expect(existingFocusPassword(renderJicofoProvision({ ...P, focusPassword: s }), null), JSON.stringify(s)).toBe(s);
    }
  });
});
