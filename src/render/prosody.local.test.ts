// renderProsodyConfig loaded by the real lua5.4 (a stub Prosody environment) and checked by the real
// `prosodyctl check config` (test/setup.sh installs both); the pure tests are in prosody.test.ts.
import { describe, expect, it } from "vitest";
import { renderProsodyConfig, type ProsodyParams } from "./prosody.js";
import { PROSODY_PARAMS } from "../../test/support/render/params.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";
import { loadProsodyConfig } from "../../test/support/render/load-prosody.js";
import { prosodyctlCheck } from "../../test/support/render/prosodyctl-check.js";

const PARAMS: ProsodyParams = PROSODY_PARAMS;

describe("renderProsodyConfig", () => {
  it("is valid Lua that sets exactly the options of docs/jitsi.md §3.1", () => {
    const cfg = loadProsodyConfig(renderProsodyConfig(PARAMS));
    expect(cfg.global).toEqual({
      component_admins_as_room_owners: true,
      plugin_paths: ["/usr/lib/jitsi-meet-prosody"],
      muc_mapper_domain_base: "meet.example.com",
      asap_accepted_issuers: ["example_app"],
      asap_accepted_audiences: ["jitsi"],
      consider_bosh_secure: true,
      consider_websocket_secure: true,
      unlimited_jids: ["focus@auth.meet.example.com", "jvb@auth.meet.example.com"],
    });
    expect(cfg.includes).toEqual([]);
    expect(cfg.sections).toEqual([
      {
        kind: "VirtualHost",
        name: "meet.example.com",
        settings: {
          authentication: "token",
          app_id: "example_app",
          app_secret: "golden-FAKE-secret-not-real",
          allow_empty_token: false,
          enable_domain_verification: false,
          ssl: { key: "/etc/prosody/certs/meet.example.com.key", certificate: "/etc/prosody/certs/meet.example.com.crt" },
          modules_enabled: ["bosh", "websocket", "smacks", "ping", "presence_identity"],
          c2s_require_encryption: false,
          main_muc: "conference.meet.example.com",
        },
      },
      {
        kind: "VirtualHost",
        name: "guest.meet.example.com",
        settings: {
          authentication: "jitsi-anonymous",
          c2s_require_encryption: false,
          main_muc: "conference.meet.example.com",
          modules_enabled: ["smacks"],
        },
      },
      {
        kind: "VirtualHost",
        name: "auth.meet.example.com",
        settings: {
          ssl: {
            key: "/etc/prosody/certs/auth.meet.example.com.key",
            certificate: "/etc/prosody/certs/auth.meet.example.com.crt",
          },
          modules_enabled: ["limits_exception"],
          authentication: "internal_hashed",
        },
      },
      {
        kind: "Component",
        name: "conference.meet.example.com",
        module: "muc",
        settings: {
          restrict_room_creation: true,
          storage: "memory",
          modules_enabled: ["muc_meeting_id", "muc_domain_mapper", "token_verification"],
          admins: ["focus@auth.meet.example.com"],
          muc_room_locking: false,
          muc_room_default_public_jids: true,
        },
      },
      {
        kind: "Component",
        name: "internal.auth.meet.example.com",
        module: "muc",
        settings: {
          storage: "memory",
          modules_enabled: ["ping"],
          admins: ["focus@auth.meet.example.com", "jvb@auth.meet.example.com"],
          muc_room_locking: false,
          muc_room_default_public_jids: true,
        },
      },
      {
        kind: "Component",
        name: "focus.meet.example.com",
        module: "client_proxy",
        settings: { target_address: "focus@auth.meet.example.com" },
      },
    ]);
  });

  it("tolerates a trailing slash on the cert dir", () => {
    const cfg = loadProsodyConfig(renderProsodyConfig({ ...PARAMS, certDir: "/etc/prosody/certs/" }));
    expect((cfg.sections[0]!.settings.ssl as { key: string }).key).toBe("/etc/prosody/certs/meet.example.com.key");
  });

  it("reads back hostile secrets, app ids and audiences byte for byte, with nothing else changed", () => {
    const base = loadProsodyConfig(renderProsodyConfig(PARAMS));
    for (const s of HOSTILE_STRINGS) {
      const cfg = loadProsodyConfig(renderProsodyConfig({ ...PARAMS, appSecret: s, appId: `id${s}`, audience: s }));
      const main = cfg.sections[0]!.settings;
      expect(main.app_secret).toBe(s);
      expect(main.app_id).toBe(`id${s}`);
      expect(cfg.global.asap_accepted_audiences).toEqual([s]);
      expect(cfg.global.asap_accepted_issuers).toEqual([`id${s}`]);
      // No injected option or section: same keys and sections as the benign render.
      expect(Object.keys(main).sort()).toEqual(Object.keys(base.sections[0]!.settings).sort());
      expect(cfg.sections.map((x) => x.name)).toEqual(base.sections.map((x) => x.name));
      expect(Object.keys(cfg.global).sort()).toEqual(Object.keys(base.global).sort());
    }
  }, 60_000);

  it("the stub loader rejects invalid Lua (so the validity test can fail)", () => {
    expect(() => loadProsodyConfig('app_secret = "unterminated\n')).toThrow();
  });
});

describe("renderProsodyConfig with the real Prosody config loader", () => {
  // Upstream's example config sets cross_domain_bosh = false, but Prosody 0.12+ reports it as obsolete (check config exits 2) and
  // false is the default anyway, so the renderer leaves it out and the validation before a restart passes.
  it("passes `prosodyctl check config` with no finding at all", () => {
    const { rc, output } = prosodyctlCheck(renderProsodyConfig({ ...PARAMS, appSecret: '"]]\n--${x}\u0000' }));
    expect(output).toContain("test.cfg.lua");
    expect(output).not.toMatch(/problem occurred while reading/i);
    expect(output).not.toMatch(/obsolete|error|warn|unknown|problem/i);
    expect(rc).toBe(0);
  }, 60_000);

  it("reports broken Lua (so the test above can fail)", () => {
    const { rc, output } = prosodyctlCheck('app_secret = "x\n');
    expect(rc).toBe(1);
    expect(output).toMatch(/unfinished string/);
  }, 60_000);
});
