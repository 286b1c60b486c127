// Reads and edits /etc/jitsi-videobridge/jvb.conf (HOCON): a managed block at the end sets the bridge's XMPP client
// connection (videobridge.apis.xmpp-client.configs.<id>), so that it logs in as jvb@auth.<domain> and joins the brewery.
//
// The bridge turns every entry of videobridge.apis.xmpp-client.configs into a MucClientConfiguration (jicoco), whose
// setProperty upper-cases the key: HOSTNAME, PORT, DOMAIN, USERNAME, PASSWORD, MUC_JIDS, MUC_NICKNAME and
// DISABLE_CERTIFICATE_VERIFICATION are read case-insensitively. We write them upper case, as upstream does
// (jitsi-videobridge debian/postinst, docker-jitsi-meet jvb/rootfs/defaults/jvb.conf).
import { hoconString } from "./hocon.js";
import { BEGIN_MARKER, END_MARKER, hoconBool, hoconNum, hoconStr, overriddenPaths, parseManaged, placeManagedBlock } from "./hocon-block.js";
import { HoconUnresolved, getPath, type HoconDocument, type HoconObject, type HoconValue } from "./hocon-parse.js";
import { PATHS } from "../platform.js";

export { BEGIN_MARKER, END_MARKER };

const JVB_PATH = PATHS.jvbConf;
/** Where the bridge reads its XMPP client connections from. */
export const JVB_CONFIGS = "videobridge.apis.xmpp-client.configs";
/** The id of our connection under JVB_CONFIGS. */
export const JVB_CONNECTION = "provision";
/** The bridge's nickname in the brewery MUC (jicofo knows the bridge by it); stable across runs. */
export const JVB_NICKNAME = "jvb-provision";
export const JVB_USERNAME = "jvb";
export const JVB_PORT = 5222;

/** Inputs for the jvb settings we own. */
export interface JvbParams {
  /** Main XMPP domain. */
  domain: string;
  /** Address the bridge uses to reach Prosody. */
  prosodyAddress: string;
  /** Password of jvb@auth.<domain> (secret; the one registered in Prosody). */
  password: string;
}

/** What jvb.conf says about our connection, as the bridge would resolve it (values from elsewhere are unknown). */
export interface JvbSettings {
  password?: string;
  hostname?: string;
  port?: number;
  domain?: string;
  username?: string;
  mucJids?: string;
  mucNickname?: string;
  disableCertificateVerification?: boolean;
  /** Ids of every XMPP client connection the file configures (ours included); the bridge opens each complete one. */
  connections: string[];
  /** `include` statements in the file (not followed). */
  includes: string[];
}

function isObject(v: HoconValue | undefined): v is HoconObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof HoconUnresolved);
}

function parseOrExplain(content: string, what: string): HoconDocument {
  return parseManaged(content, JVB_PATH, "jitsi-videobridge", what);
}

/** Our connection's object, or undefined. */
function connection(root: HoconObject): HoconObject | undefined {
  const v = getPath(root, [...JVB_CONFIGS.split("."), JVB_CONNECTION]);
  return isObject(v) ? v : undefined;
}

/** The value of `key` in a connection as the bridge reads it (case-insensitively); undefined when variants disagree. */
function prop(conn: HoconObject | undefined, key: string): HoconValue | undefined {
  if (!conn) return undefined;
  const values = Object.entries(conn)
    .filter(([k]) => k.toUpperCase() === key)
    .map(([, v]) => v);
  if (values.length === 0) return undefined;
  const first = values[0];
  const same = values.every((v) => JSON.stringify(v) === JSON.stringify(first) && !(v instanceof HoconUnresolved));
  return same ? first : undefined;
}

/** Reads our connection's settings (notably its password) with HOCON semantics; throws on bad syntax. */
export function readJvb(content: string): JvbSettings {
  const doc = parseOrExplain(content, "");
  const conn = connection(doc.root);
  const configs = getPath(doc.root, JVB_CONFIGS.split("."));
  return {
    password: hoconStr(prop(conn, "PASSWORD")),
    hostname: hoconStr(prop(conn, "HOSTNAME")),
    port: hoconNum(prop(conn, "PORT")),
    domain: hoconStr(prop(conn, "DOMAIN")),
    username: hoconStr(prop(conn, "USERNAME")),
    mucJids: hoconStr(prop(conn, "MUC_JIDS")),
    mucNickname: hoconStr(prop(conn, "MUC_NICKNAME")),
    disableCertificateVerification: hoconBool(prop(conn, "DISABLE_CERTIFICATE_VERIFICATION")),
    connections: isObject(configs) ? Object.keys(configs) : [],
    includes: doc.includes,
  };
}

/** Our connection's keys and values (upper case, as written). */
function connectionValues(p: JvbParams): Record<string, string | number | boolean> {
  return {
    HOSTNAME: p.prosodyAddress,
    PORT: JVB_PORT,
    DOMAIN: `auth.${p.domain}`,
    USERNAME: JVB_USERNAME,
    PASSWORD: p.password,
    MUC_JIDS: `JvbBrewery@internal.auth.${p.domain}`,
    MUC_NICKNAME: JVB_NICKNAME,
    DISABLE_CERTIFICATE_VERIFICATION: true,
  };
}

/** The values editJvb guarantees, as dotted path → expected resolved value. */
export function expectedJvbValues(p: JvbParams): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(connectionValues(p)).map(([k, v]) => [`${JVB_CONFIGS}.${JVB_CONNECTION}.${k}`, v]));
}

/** The managed block's text for `p` (markers included, ends with a newline). */
export function renderJvbBlock(p: JvbParams): string {
  const lines = Object.entries(connectionValues(p)).map(
    ([k, v]) => `          ${k} = ${typeof v === "string" ? hoconString(v) : String(v)}`,
  );
  return `${BEGIN_MARKER}: the bridge's XMPP login (${JVB_USERNAME}@auth.${p.domain}) and brewery. Rewritten on every run; later settings in this file would override it.
videobridge {
  apis {
    xmpp-client {
      configs {
        ${JVB_CONNECTION} {
${lines.join("\n")}
        }
      }
    }
  }
}
${END_MARKER}
`;
}

/** Sets the bridge's XMPP client connection via the managed block, keeping everything else; idempotent. */
export function editJvb(content: string, p: JvbParams): string {
  const doc = parseOrExplain(content, "");
  const out = placeManagedBlock(content, doc, renderJvbBlock(p), JVB_PATH);
  // Check the result resolves to what we meant: something after the block could still override it.
  const after = parseOrExplain(out, " (after editing)");
  const wrong = overriddenPaths(after.root, expectedJvbValues(p));
  if (wrong.length > 0) {
    throw new Error(`${JVB_PATH}: settings after the provision-managed block override ${wrong.join(", ")}; remove them (the block must have the last word)`);
  }
  // The bridge reads these keys case-insensitively: `password` next to our `PASSWORD` would compete with it.
  const ours = new Set(Object.keys(connectionValues(p)));
  const variants = Object.keys(connection(after.root) ?? {}).filter((k) => k !== k.toUpperCase() && ours.has(k.toUpperCase()));
  if (variants.length > 0) {
    throw new Error(
      `${JVB_PATH}: ${JVB_CONFIGS}.${JVB_CONNECTION} also sets ${variants.join(", ")} outside the provision-managed block (the bridge reads these keys case-insensitively, so they compete with the block's); remove them`,
    );
  }
  return out;
}
