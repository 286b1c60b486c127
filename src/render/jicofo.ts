// Reads and edits /etc/jicofo/jicofo.conf (HOCON): a managed block at the end sets JWT auth and the XMPP client (§8.3).
import { hoconString } from "./hocon.js";
import { BEGIN_MARKER, END_MARKER, hoconBool, hoconNum, hoconStr, overriddenPaths, parseManaged, placeManagedBlock } from "./hocon-block.js";
import { getPath, type HoconDocument, type HoconObject } from "./hocon-parse.js";
import { PATHS } from "../platform.js";

/** Inputs for the jicofo settings we own. */
export interface JicofoParams {
  /** Main XMPP domain. */
  domain: string;
  /** Address jicofo uses to reach Prosody (jicofo.xmpp.client.hostname). */
  prosodyAddress: string;
  /** Focus user password (secret; the one registered in Prosody). */
  focusPassword: string;
}

/** What jicofo.conf currently says, as jicofo would resolve it (values from other files or the environment are unknown). */
export interface JicofoSettings {
  focusPassword?: string;
  authEnabled?: boolean;
  authType?: string;
  loginUrl?: string;
  hostname?: string;
  port?: number;
  clientDomain?: string;
  xmppDomain?: string;
  username?: string;
  conferenceMucJid?: string;
  clientProxy?: string;
  breweryJid?: string;
  /** `include` statements in the file (not followed). */
  includes: string[];
}

const JICOFO_PATH = PATHS.jicofoConf;
export { BEGIN_MARKER, END_MARKER };

function parseOrExplain(content: string, what: string): HoconDocument {
  return parseManaged(content, JICOFO_PATH, "jicofo", what);
}

function settingsOf(root: HoconObject, includes: string[]): JicofoSettings {
  const at = (p: string) => getPath(root, p.split("."));
  return {
    focusPassword: hoconStr(at("jicofo.xmpp.client.password")),
    authEnabled: hoconBool(at("jicofo.authentication.enabled")),
    authType: hoconStr(at("jicofo.authentication.type")),
    loginUrl: hoconStr(at("jicofo.authentication.login-url")),
    hostname: hoconStr(at("jicofo.xmpp.client.hostname")),
    port: hoconNum(at("jicofo.xmpp.client.port")),
    clientDomain: hoconStr(at("jicofo.xmpp.client.domain")),
    xmppDomain: hoconStr(at("jicofo.xmpp.client.xmpp-domain")),
    username: hoconStr(at("jicofo.xmpp.client.username")),
    conferenceMucJid: hoconStr(at("jicofo.xmpp.client.conference-muc-jid")),
    clientProxy: hoconStr(at("jicofo.xmpp.client.client-proxy")),
    breweryJid: hoconStr(at("jicofo.bridge.brewery-jid")),
    includes,
  };
}

/** Reads the settings we care about (notably jicofo.xmpp.client.password) with HOCON semantics; throws on bad syntax. */
export function readJicofo(content: string): JicofoSettings {
  const doc = parseOrExplain(content, "");
  return settingsOf(doc.root, doc.includes);
}

/** The managed block's text for `p` (markers included, ends with a newline). */
export function renderJicofoBlock(p: JicofoParams): string {
  const d = p.domain;
  const q = hoconString;
  return `${BEGIN_MARKER}: JWT authentication for Jitsi Meet. Rewritten on every run; later settings in this file would override it.
jicofo {
  authentication {
    enabled = true
    type = JWT
    login-url = ${q(d)}
  }
  xmpp {
    client {
      enabled = true
      hostname = ${q(p.prosodyAddress)}
      port = 5222
      domain = ${q(`auth.${d}`)}
      xmpp-domain = ${q(d)}
      username = "focus"
      password = ${q(p.focusPassword)}
      conference-muc-jid = ${q(`conference.${d}`)}
      client-proxy = ${q(`focus.${d}`)}
      disable-certificate-verification = true
    }
  }
  bridge {
    brewery-jid = ${q(`JvbBrewery@internal.auth.${d}`)}
  }
}
${END_MARKER}
`;
}

/** The values editJicofo guarantees, as dotted path → expected resolved value. */
export function expectedJicofoValues(p: JicofoParams): Record<string, string | number | boolean> {
  const d = p.domain;
  return {
    "jicofo.authentication.enabled": true,
    "jicofo.authentication.type": "JWT",
    "jicofo.authentication.login-url": d,
    "jicofo.xmpp.client.enabled": true,
    "jicofo.xmpp.client.hostname": p.prosodyAddress,
    "jicofo.xmpp.client.port": 5222,
    "jicofo.xmpp.client.domain": `auth.${d}`,
    "jicofo.xmpp.client.xmpp-domain": d,
    "jicofo.xmpp.client.username": "focus",
    "jicofo.xmpp.client.password": p.focusPassword,
    "jicofo.xmpp.client.conference-muc-jid": `conference.${d}`,
    "jicofo.xmpp.client.client-proxy": `focus.${d}`,
    "jicofo.xmpp.client.disable-certificate-verification": true,
    "jicofo.bridge.brewery-jid": `JvbBrewery@internal.auth.${d}`,
  };
}

/** Sets jicofo's JWT authentication and XMPP client settings via the managed block, keeping everything else; idempotent. */
export function editJicofo(content: string, p: JicofoParams): string {
  const doc = parseOrExplain(content, "");
  const out = placeManagedBlock(content, doc, renderJicofoBlock(p), JICOFO_PATH);
  // Check the result resolves to what we meant: something after the block could still override it.
  const after = parseOrExplain(out, " (after editing)");
  const wrong = overriddenPaths(after.root, expectedJicofoValues(p));
  if (wrong.length > 0) {
    throw new Error(
      `${JICOFO_PATH}: settings after the provision-managed block override ${wrong.join(", ")}; remove them (the block must have the last word)`,
    );
  }
  return out;
}
