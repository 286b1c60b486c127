// Renders /etc/prosody/conf.d/<domain>.cfg.lua: the Prosody side of JWT-gated Jitsi (docs/jitsi.md §3.1).
import { PATHS } from "../platform.js";
import { luaList, luaString } from "./lua.js";

/** Everything the Prosody include file depends on. */
export interface ProsodyParams {
  /** Main XMPP domain (lower-case FQDN). */
  domain: string;
  /** Anonymous guest domain, usually guest.<domain>. */
  guestDomain: string;
  /** JWT issuer / app id. */
  appId: string;
  /** HS256 secret (never logged). */
  appSecret: string;
  /** Accepted `aud` claim. */
  audience: string;
  /** Jitsi Prosody plugin directory (AUR: /usr/lib/jitsi-meet-prosody). */
  pluginDir: string;
  /** Certificate directory (/etc/prosody/certs). */
  certDir: string;
}

/** The path of the include file for `domain`. */
export function prosodyConfigPath(domain: string): string {
  return `${PATHS.prosodyConfD}/${domain}.cfg.lua`;
}

function sslBlock(certDir: string, host: string): string {
  const base = certDir.replace(/\/+$/, "");
  return `{ key = ${luaString(`${base}/${host}.key`)}; certificate = ${luaString(`${base}/${host}.crt`)}; }`;
}

/** Renders the complete Prosody include file for one Jitsi domain; every value goes through luaString/luaList. */
export function renderProsodyConfig(p: ProsodyParams): string {
  const d = p.domain;
  const auth = `auth.${d}`;
  const conference = `conference.${d}`;
  const focusJid = `focus@${auth}`;
  const jvbJid = `jvb@${auth}`;
  const L = luaString;
  return `-- Managed by provision: this file is overwritten on every run; local edits will be lost.
-- Jitsi Meet where only JWT holders open rooms; guests (guest VirtualHost) join rooms that already exist.

component_admins_as_room_owners = true
plugin_paths = ${luaList([p.pluginDir])}
muc_mapper_domain_base = ${L(d)}
asap_accepted_issuers = ${luaList([p.appId])}
asap_accepted_audiences = ${luaList([p.audience])}
consider_bosh_secure = true
consider_websocket_secure = true
unlimited_jids = ${luaList([focusJid, jvbJid])}

VirtualHost ${L(d)}
    authentication = "token"
    app_id = ${L(p.appId)}
    app_secret = ${L(p.appSecret)}
    allow_empty_token = false
    enable_domain_verification = false
    ssl = ${sslBlock(p.certDir, d)}
    modules_enabled = ${luaList(["bosh", "websocket", "smacks", "ping", "presence_identity"])}
    c2s_require_encryption = false
    main_muc = ${L(conference)}

VirtualHost ${L(p.guestDomain)}
    authentication = "jitsi-anonymous"
    c2s_require_encryption = false
    main_muc = ${L(conference)}
    modules_enabled = ${luaList(["smacks"])}

VirtualHost ${L(auth)}
    ssl = ${sslBlock(p.certDir, auth)}
    modules_enabled = ${luaList(["limits_exception"])}
    authentication = "internal_hashed"

Component ${L(conference)} "muc"
    restrict_room_creation = true
    storage = "memory"
    modules_enabled = ${luaList(["muc_meeting_id", "muc_domain_mapper", "token_verification"])}
    admins = ${luaList([focusJid])}
    muc_room_locking = false
    muc_room_default_public_jids = true

Component ${L(`internal.${auth}`)} "muc"
    storage = "memory"
    modules_enabled = ${luaList(["ping"])}
    admins = ${luaList([focusJid, jvbJid])}
    muc_room_locking = false
    muc_room_default_public_jids = true

Component ${L(`focus.${d}`)} "client_proxy"
    target_address = ${L(focusJid)}
`;
}
