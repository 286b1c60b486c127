// Stand-in for jicofo's configuration loading (sandbox test infrastructure): reads
// /etc/jicofo/jicofo.conf through com.typesafe.config (the library jicofo uses, via the
// HoconToJson helper; includes are followed relative to the including file, a missing
// `include "x"` is ignored and a missing `include required("x")` refused, as in jicofo), applies the reference.conf defaults jicofo ships for the keys the
// stand-in uses, and refuses what jicofo refuses (no password, JWT without login-url).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const TYPESAFE_JAR = "/usr/share/java/typesafe-config.jar";
// JICOFO_HOCON_HELPER_DIR lets tests point at a helper compiled elsewhere.
export const HELPER_DIR = process.env.JICOFO_HOCON_HELPER_DIR || "/usr/lib/jicofo/hocon";

/** A configuration problem jicofo would refuse to start with. */
export class ConfigError extends Error {}

/** Parses the HOCON file with typesafe-config and returns the plain object. */
export function readHocon(file) {
  if (!existsSync(`${HELPER_DIR}/HoconToJson.class`)) {
    throw new ConfigError(`HOCON helper missing: ${HELPER_DIR}/HoconToJson.class (run the jicofo post-install)`);
  }
  try {
    const out = execFileSync("java", ["-cp", `${TYPESAFE_JAR}:${HELPER_DIR}`, "HoconToJson", file], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out);
  } catch (e) {
    const stderr = e && typeof e === "object" && "stderr" in e ? String(e.stderr).trim() : String(e);
    throw new ConfigError(stderr || `cannot read ${file}`);
  }
}

/** Parses a HOCON duration ("15 seconds", "500ms", 1000) into milliseconds. */
export function parseDuration(value, path) {
  if (typeof value === "number") return value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(String(value));
  if (!m) throw new ConfigError(`com.typesafe.config.ConfigException$BadValue: ${path}: Invalid value at '${path}': No number in duration value '${value}'`);
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  const factors = { "": 1, ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1, s: 1000, second: 1000, seconds: 1000,
    m: 60000, minute: 60000, minutes: 60000, h: 3600000, hour: 3600000, hours: 3600000, d: 86400000, day: 86400000, days: 86400000 };
  if (!(unit in factors)) throw new ConfigError(`com.typesafe.config.ConfigException$BadValue: ${path}: Invalid value at '${path}': Could not parse time unit '${m[2]}'`);
  return n * factors[unit];
}

/** Reads a dotted path out of a plain object. */
function at(obj, path) {
  return path.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined), obj);
}

/** Boolean the way typesafe-config reads it (true/false/yes/no/on/off). */
function bool(value, fallback, path) {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "boolean") return value;
  const s = String(value).toLowerCase();
  if (["true", "yes", "on"].includes(s)) return true;
  if (["false", "no", "off"].includes(s)) return false;
  throw new ConfigError(`com.typesafe.config.ConfigException$WrongType: ${path} has type STRING rather than BOOLEAN`);
}

/** Missing mandatory value, worded like jicofo's metaconfig. */
function notFound(path) {
  return new ConfigError(`org.jitsi.metaconfig.ConfigException$UnableToRetrieve$NotFound: Unable to retrieve value for '${path}': not found`);
}

/** Turns the parsed HOCON tree into the settings the stand-in uses (with jicofo defaults). */
export function settingsFrom(tree) {
  const c = (p) => at(tree, `jicofo.${p}`);
  const client = {
    enabled: bool(c("xmpp.client.enabled"), true, "jicofo.xmpp.client.enabled"),
    hostname: String(c("xmpp.client.hostname") ?? "localhost"),
    port: Number(c("xmpp.client.port") ?? 5222),
    domain: c("xmpp.client.domain"),
    xmppDomain: c("xmpp.client.xmpp-domain"),
    username: String(c("xmpp.client.username") ?? "focus"),
    password: c("xmpp.client.password"),
    conferenceMucJid: c("xmpp.client.conference-muc-jid"),
    clientProxy: c("xmpp.client.client-proxy"),
    disableCertificateVerification: bool(c("xmpp.client.disable-certificate-verification"), false,
      "jicofo.xmpp.client.disable-certificate-verification"),
    useTls: bool(c("xmpp.client.use-tls"), true, "jicofo.xmpp.client.use-tls"),
    replyTimeoutMs: parseDuration(c("xmpp.client.reply-timeout") ?? "15 seconds", "jicofo.xmpp.client.reply-timeout"),
  };
  if (client.password === undefined || client.password === null || client.password === "") {
    throw notFound("jicofo.xmpp.client.password");
  }
  client.password = String(client.password);
  if (!client.domain) throw notFound("jicofo.xmpp.client.domain");
  client.domain = String(client.domain).toLowerCase();
  client.xmppDomain = client.xmppDomain ? String(client.xmppDomain).toLowerCase() : client.domain;
  if (!Number.isInteger(client.port) || client.port <= 0) {
    throw new ConfigError(`com.typesafe.config.ConfigException$WrongType: jicofo.xmpp.client.port has type STRING rather than NUMBER`);
  }

  const enabled = bool(c("authentication.enabled"), false, "jicofo.authentication.enabled");
  const type = String(c("authentication.type") ?? "NONE").toUpperCase();
  if (!["XMPP", "JWT", "NONE"].includes(type)) {
    throw new ConfigError(`java.lang.IllegalArgumentException: No enum constant org.jitsi.jicofo.auth.AuthConfig.Type.${type}`);
  }
  const loginUrl = c("authentication.login-url");
  const authType = enabled ? type : "NONE";
  if ((authType === "JWT" || authType === "XMPP") && (loginUrl === undefined || loginUrl === null || loginUrl === "")) {
    throw notFound("jicofo.authentication.login-url");
  }

  return {
    client,
    auth: { type: authType, loginDomain: authType === "NONE" ? undefined : String(loginUrl).toLowerCase() },
    conference: {
      initialTimeoutMs: parseDuration(c("conference.initial-timeout") ?? "15 seconds", "jicofo.conference.initial-timeout"),
      enableAutoOwner: bool(c("conference.enable-auto-owner"), true, "jicofo.conference.enable-auto-owner"),
    },
    breweryJid: c("bridge.brewery-jid") ? String(c("bridge.brewery-jid")) : undefined,
  };
}

/** Loads and validates the jicofo configuration file. */
export function loadConfig(file) {
  return settingsFrom(readHocon(file));
}
