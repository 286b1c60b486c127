import { describe, expect, it } from "vitest";
import { prosodyConfigPath, renderProsodyConfig, type ProsodyParams } from "./prosody.js";
import { expectGolden } from "../../test/support/render/golden.js";
import { PROSODY_PARAMS } from "../../test/support/render/params.js";

const PARAMS: ProsodyParams = PROSODY_PARAMS;

// Loading the rendered config with lua5.4 and `prosodyctl check config` is in prosody.local.test.ts.

describe("renderProsodyConfig", () => {
  it("matches the golden file", () => {
    expectGolden("prosody.meet.example.com.cfg.lua", renderProsodyConfig(PARAMS));
  });

  it("names the include file after the domain", () => {
    expect(prosodyConfigPath("meet.example.com")).toBe("/etc/prosody/conf.d/meet.example.com.cfg.lua");
  });
});
