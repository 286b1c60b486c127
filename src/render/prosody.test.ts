import { describe, expect, it } from "vitest";
import { prosodyConfigPath, renderProsodyConfig, type ProsodyParams } from "./prosody.js";
import { expectGolden } from "../../test/support/render/golden.js";

const PARAMS: ProsodyParams = {
  domain: "meet.example.com",
  guestDomain: "guest.meet.example.com",
  appId: "example_app",
  appSecret: "golden-FAKE-secret-not-real",
  audience: "jitsi",
  pluginDir: "/usr/lib/jitsi-meet-prosody",
  certDir: "/etc/prosody/certs",
};

// Loading the rendered config with lua5.4 and `prosodyctl check config` is in prosody.local.test.ts.

describe("renderProsodyConfig", () => {
  it("matches the golden file", () => {
    expectGolden("prosody.meet.example.com.cfg.lua", renderProsodyConfig(PARAMS));
  });

  it("names the include file after the domain", () => {
    expect(prosodyConfigPath("meet.example.com")).toBe("/etc/prosody/conf.d/meet.example.com.cfg.lua");
  });
});
