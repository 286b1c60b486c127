// The renderer inputs the golden files (src/render/__golden__) are made from, shared by the pure and local tests.
import type { NginxParams } from "../../../src/render/nginx.js";
import type { ProsodyParams } from "../../../src/render/prosody.js";

/** The Prosody include of the golden file prosody.cfg.lua (a fake secret). */
export const PROSODY_PARAMS: ProsodyParams = {
  domain: "meet.example.com",
  guestDomain: "guest.meet.example.com",
  appId: "example_app",
  appSecret: "golden-FAKE-secret-not-real",
  audience: "jitsi",
  pluginDir: "/usr/lib/jitsi-meet-prosody",
  certDir: "/etc/prosody/certs",
};

/** The nginx site of the golden file. */
export const NGINX_PARAMS: NginxParams = {
  domain: "meet.example.com",
  prosodyAddress: "127.0.0.1",
  cert: "/etc/prosody/certs/meet.example.com.crt",
  key: "/etc/prosody/certs/meet.example.com.key",
  webRoot: "/usr/share/webapps/jitsi-meet",
  configJs: "/etc/webapps/jitsi-meet/config.js",
};
