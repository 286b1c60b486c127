// Reads and edits /etc/jicofo/jicofo.conf (HOCON): a managed block at the end sets JWT auth and the XMPP client (§8.3).
import { hoconString } from "./hocon.js";
import { HoconSyntaxError, HoconUnresolved, getPath, parseHocon, type HoconObject, type HoconValue } from "./hocon-parse.js";

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

export const JICOFO_PATH = "/etc/jicofo/jicofo.conf";
export const BEGIN_MARKER = "# BEGIN provision-managed";
export const END_MARKER = "# END provision-managed";

function str(v: HoconValue | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}
function bool(v: HoconValue | undefined): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "yes" || v === "on") return true;
  if (v === "false" || v === "no" || v === "off") return false;
  return undefined;
}
function num(v: HoconValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function parseOrExplain(content: string, what: string): { root: HoconObject; includes: string[]; rootCloseOffset?: number } {
  try {
    return parseHocon(content);
  } catch (e) {
    if (e instanceof HoconSyntaxError) {
      throw new Error(`${JICOFO_PATH}${what}: ${e.message}; fix the HOCON syntax by hand (jicofo cannot start with it either)`);
    }
    throw e;
  }
}

function settingsOf(root: HoconObject, includes: string[]): JicofoSettings {
  const at = (p: string) => getPath(root, p.split("."));
  return {
    focusPassword: str(at("jicofo.xmpp.client.password")),
    authEnabled: bool(at("jicofo.authentication.enabled")),
    authType: str(at("jicofo.authentication.type")),
    loginUrl: str(at("jicofo.authentication.login-url")),
    hostname: str(at("jicofo.xmpp.client.hostname")),
    port: num(at("jicofo.xmpp.client.port")),
    clientDomain: str(at("jicofo.xmpp.client.domain")),
    xmppDomain: str(at("jicofo.xmpp.client.xmpp-domain")),
    username: str(at("jicofo.xmpp.client.username")),
    conferenceMucJid: str(at("jicofo.xmpp.client.conference-muc-jid")),
    clientProxy: str(at("jicofo.xmpp.client.client-proxy")),
    breweryJid: str(at("jicofo.bridge.brewery-jid")),
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

/** Finds the managed block's [start, end) offsets (whole lines), or undefined; throws on a half-present block. */
function findBlock(content: string): [number, number] | undefined {
  const lines = /^[ \t]*(# (?:BEGIN|END) provision-managed)\b.*$/gm;
  const hits = [...content.matchAll(lines)];
  if (hits.length === 0) return undefined;
  const ok = hits.length === 2 && hits[0]![1] === BEGIN_MARKER && hits[1]![1] === END_MARKER;
  if (!ok) {
    throw new Error(
      `${JICOFO_PATH}: the provision-managed block is damaged (expected one "${BEGIN_MARKER}" line followed by one "${END_MARKER}" line, found ${hits.length} marker lines); remove the markers and the block between them by hand, then run again`,
    );
  }
  const start = hits[0]!.index!;
  let end = hits[1]!.index! + hits[1]![0].length;
  if (content[end] === "\n") end++;
  return [start, end];
}

/** Sets jicofo's JWT authentication and XMPP client settings via the managed block, keeping everything else; idempotent. */
export function editJicofo(content: string, p: JicofoParams): string {
  const doc = parseOrExplain(content, "");
  const block = renderJicofoBlock(p);
  const existing = findBlock(content);
  let out: string;
  if (existing) {
    out = content.slice(0, existing[0]) + block + content.slice(existing[1]);
  } else if (doc.rootCloseOffset !== undefined) {
    // The root is written as `{ ... }`: the block goes inside, before the closing brace.
    const before = content.slice(0, doc.rootCloseOffset);
    out = `${before}${before.endsWith("\n") ? "" : "\n"}${block}${content.slice(doc.rootCloseOffset)}`;
  } else {
    const sep = content.length === 0 || content.endsWith("\n") ? "" : "\n";
    const gap = content.length === 0 || content.endsWith("\n\n") ? "" : "\n";
    out = `${content}${sep}${gap}${block}`;
  }
  // Check the result resolves to what we meant: something after the block could still override it.
  const after = parseOrExplain(out, " (after editing)");
  const wrong = Object.entries(expectedJicofoValues(p))
    .filter(([path, want]) => {
      const got = getPath(after.root, path.split("."));
      return got instanceof HoconUnresolved || (typeof want === "number" ? num(got) : typeof want === "boolean" ? bool(got) : str(got)) !== want;
    })
    .map(([path]) => path);
  if (wrong.length > 0) {
    throw new Error(
      `${JICOFO_PATH}: settings after the provision-managed block override ${wrong.join(", ")}; remove them (the block must have the last word)`,
    );
  }
  return out;
}
