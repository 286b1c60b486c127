// The bridge's XMPP client connection (videobridge.apis.xmpp-client.configs.<id>: login jvb@auth.<domain>, the brewery
// MUC), rendered whole into our own file, /etc/jitsi-videobridge/provision.conf, which jvb.conf includes last
// (docs/hocon.md).
//
// The bridge turns every entry of videobridge.apis.xmpp-client.configs into a MucClientConfiguration (jicoco), whose
// setProperty upper-cases the key: HOSTNAME, PORT, DOMAIN, USERNAME, PASSWORD, MUC_JIDS, MUC_NICKNAME and
// DISABLE_CERTIFICATE_VERIFICATION are read case-insensitively. We write them upper case, as upstream does
// (jitsi-videobridge debian/postinst, docker-jitsi-meet jvb/rootfs/defaults/jvb.conf).
import { hoconObjectList, hoconSetting } from "./hocon.js";
import { ensureIncludeLast, includeStatement, oldBlock, readRenderedString } from "./hocon-include.js";
import { PATHS } from "../platform.js";

/** Where the bridge reads its XMPP client connections from. */
export const JVB_CONFIGS = "videobridge.apis.xmpp-client.configs";
/** The id of our connection under JVB_CONFIGS. */
export const JVB_CONNECTION = "provision";
/** The main host's own bridge logs in as jvb@auth.<domain>; a videobridge host as jvb-<name> (src/bridge-account.ts). */
export const JVB_USERNAME = "jvb";
export const JVB_PORT = 5222;
/** The UDP port media arrives on (the bridge's default, written so that the README's firewall rule and the file agree). */
export const JVB_MEDIA_PORT = 10000;
/** ice4j's static NAT mappings (docs/jitsi.md, "Bridges on their own hosts"). */
export const JVB_STATIC_MAPPINGS = "ice4j.harvest.mapping.static-mappings";

/** Inputs for the jvb settings we own. */
export interface JvbParams {
  /** Main XMPP domain (the deployment's). */
  domain: string;
  /** Where the bridge reaches Prosody: the main host's PROSODY_ADDRESS for its own bridge, XMPP_SERVER for a videobridge host. */
  xmppServer: string;
  /** The account's local part on auth.<domain>. */
  username: string;
  /** Its password (secret; the one registered in Prosody). */
  password: string;
  /** The bridge's nickname in the brewery (unique in the deployment: two bridges with one nickname evict each other). */
  nickname: string;
  /** Behind NAT: the local address and the public address it maps to. */
  nat?: { localAddress: string; publicAddress: string };
}

/** The brewery MUC every bridge of a deployment joins and jicofo watches. */
export function breweryJid(domain: string): string {
  return `JvbBrewery@internal.auth.${domain}`;
}

/** The include line jvb.conf ends with: our file, beside it. */
export const JVB_INCLUDE = includeStatement(PATHS.jvbProvisionConf.split("/").pop()!);

/** Our connection's keys and values (upper case, as written). */
function connectionValues(p: JvbParams): Record<string, string | number | boolean> {
  return {
    HOSTNAME: p.xmppServer,
    PORT: JVB_PORT,
    DOMAIN: `auth.${p.domain}`,
    USERNAME: p.username,
    PASSWORD: p.password,
    MUC_JIDS: breweryJid(p.domain),
    MUC_NICKNAME: p.nickname,
    // The main host's Prosody serves a certificate for auth.<domain> the bridge has no reason to trust (self-signed,
    // or a public one for another name): not verified, by choice (README, "Videobridges on their own hosts").
    DISABLE_CERTIFICATE_VERIFICATION: true,
  };
}

/** The values our file sets, as dotted path → value (what the bridge resolves them to, with our file included last). */
export function expectedJvbValues(p: JvbParams): Record<string, string | number | boolean> {
  return {
    ...Object.fromEntries(Object.entries(connectionValues(p)).map(([k, v]) => [`${JVB_CONFIGS}.${JVB_CONNECTION}.${k}`, v])),
    "videobridge.ice.udp.port": JVB_MEDIA_PORT,
  };
}

/** The whole of /etc/jitsi-videobridge/provision.conf for `p`: one `path = value` line per key, values through hoconString. */
export function renderJvbProvision(p: JvbParams): string {
  const lines = Object.entries(expectedJvbValues(p)).map(([k, v]) => hoconSetting(k, v));
  if (p.nat) lines.push(hoconObjectList(JVB_STATIC_MAPPINGS, [{ "local-address": p.nat.localAddress, "public-address": p.nat.publicAddress, name: "provision" }]));
  return `# Written by provision on every run: the bridge's XMPP login, brewery nickname and media port.
# ${PATHS.jvbConf} includes this file last, so these settings win over the same ones there. Do not edit.
${lines.join("\n")}
`;
}

/** jvb.conf with our include line last (and the managed block of earlier versions gone); everything else kept. */
export function editJvbConf(content: string): string {
  return ensureIncludeLast(content, JVB_INCLUDE, PATHS.jvbConf);
}

/**
 * The bridge password to keep: the one in our file, else (a host provisioned by an earlier version) the one in the
 * managed block of jvb.conf; undefined when neither has one (a fresh one is generated). A damaged old block
 * gives undefined here: editJvbConf refuses it, naming the fix.
 */
export function existingJvbPassword(ours: string | null, jvbConf: string | null): string | undefined {
  const fromOurs = ours === null ? undefined : readRenderedString(ours, `${JVB_CONFIGS}.${JVB_CONNECTION}.PASSWORD`);
  if (fromOurs !== undefined) return fromOurs;
  const block = jvbConf === null ? undefined : oldBlock(jvbConf);
  return block === undefined ? undefined : readRenderedString(block, "PASSWORD");
}
