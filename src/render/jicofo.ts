// jicofo's settings we own (JWT authentication, its XMPP client, the brewery): rendered whole into our own file,
// /etc/jicofo/provision.conf, which the package's jicofo.conf includes last (docs/hocon.md).
import { hoconSetting } from "./hocon.js";
import { ensureIncludeLast, includeStatement, oldBlock, readRenderedString } from "./hocon-include.js";
import { PATHS } from "../platform.js";
import { breweryJid } from "./jvb.js";

/** Inputs for the jicofo settings we own. */
export interface JicofoParams {
  /** Main XMPP domain. */
  domain: string;
  /** Address jicofo uses to reach Prosody (jicofo.xmpp.client.hostname). */
  prosodyAddress: string;
  /** Focus user password (secret; the one registered in Prosody). */
  focusPassword: string;
}

/** jicofo's REST port (its default). */
export const JICOFO_REST_PORT = 8888;

/** The include line jicofo.conf ends with: our file, beside it. */
export const JICOFO_INCLUDE = includeStatement(PATHS.jicofoProvisionConf.split("/").pop()!);

/** The values our file sets, as dotted path → value (what jicofo resolves them to, with our file included last). */
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
    "jicofo.bridge.brewery-jid": breweryJid(d),
    // jicofo's REST interface (/stats, /debug: the bridges it sees; the `bridges` check reads it over SSH) listens
    // where Prosody does: the host's internal address (jicofo's default is 127.0.0.1, PROSODY_ADDRESS's too).
    "jicofo.rest.host": p.prosodyAddress,
    "jicofo.rest.port": JICOFO_REST_PORT,
  };
}

/** The whole of /etc/jicofo/provision.conf for `p`: one `path = value` line per setting, values through hoconString. */
export function renderJicofoProvision(p: JicofoParams): string {
  const lines = Object.entries(expectedJicofoValues(p)).map(([k, v]) => hoconSetting(k, v));
  return `# Written by provision on every run: JWT authentication for Jitsi Meet, jicofo's XMPP login and its REST address.
# ${PATHS.jicofoConf} includes this file last, so these settings win over the same ones there. Do not edit.
${lines.join("\n")}
`;
}

/** jicofo.conf with our include line last (and the managed block of earlier versions gone); everything else kept. */
export function editJicofoConf(content: string): string {
  return ensureIncludeLast(content, JICOFO_INCLUDE, PATHS.jicofoConf);
}

/**
 * The focus password to keep: the one in our file, else (a host provisioned by an earlier version) the one in the
 * managed block of jicofo.conf; undefined when neither has one (a fresh one is generated). A damaged old block
 * gives undefined here: editJicofoConf refuses it, naming the fix.
 */
export function existingFocusPassword(ours: string | null, jicofoConf: string | null): string | undefined {
  const key = "jicofo.xmpp.client.password";
  const fromOurs = ours === null ? undefined : readRenderedString(ours, key);
  if (fromOurs !== undefined) return fromOurs;
  const block = jicofoConf === null ? undefined : oldBlock(jicofoConf);
  return block === undefined ? undefined : readRenderedString(block, "password");
}
