// Stand-in for jicofo's configuration loading (sandbox test infrastructure): reads
// /etc/jicofo/jicofo.conf through com.typesafe.config (the library jicofo uses, via the
// HoconToJson helper; includes are followed relative to the including file, a missing
// `include "x"` is ignored and a missing `include required("x")` refused, as in jicofo), applies the reference.conf defaults jicofo ships for the keys the
// stand-in uses, and refuses what jicofo refuses (no password, JWT without login-url).
import { STANDINS } from "./standins.mjs";

const hocon = await import(new URL("hocon.mjs", STANDINS).href);
export const { ConfigError, parseDuration } = hocon;
const { at, bool } = hocon;
export const TYPESAFE_JAR = hocon.TYPESAFE_JAR;
// JICOFO_HOCON_HELPER_DIR lets tests point at a helper compiled elsewhere.
export const HELPER_DIR = process.env.JICOFO_HOCON_HELPER_DIR || "/usr/lib/jicofo/hocon";

/** Parses the HOCON file with typesafe-config and returns the plain object. */
export function readHocon(file) {
  return hocon.readHocon(file, HELPER_DIR);
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
    // jicofo's reference.conf: health checks every 10 s, a failed bridge stays non-operational for 1 minute.
    bridge: {
      healthChecks: bool(c("bridge.health-checks.enabled"), true, "jicofo.bridge.health-checks.enabled"),
      healthIntervalMs: parseDuration(c("bridge.health-checks.interval") ?? "10 seconds", "jicofo.bridge.health-checks.interval"),
      failureResetMs: parseDuration(c("bridge.failure-reset-threshold") ?? "1 minute", "jicofo.bridge.failure-reset-threshold"),
    },
    // RestConfig.kt: jicofo.rest.{enabled,port,host}, defaults true, 8888, "127.0.0.1" (docs/jitsi.md).
    rest: {
      enabled: bool(c("rest.enabled"), true, "jicofo.rest.enabled") && Number(c("rest.port") ?? 8888) > 0,
      port: Number(c("rest.port") ?? 8888),
      host: String(c("rest.host") ?? "127.0.0.1"),
      debug: bool(c("rest.debug.enabled"), true, "jicofo.rest.debug.enabled"),
    },
  };
}

/** Loads and validates the jicofo configuration file. */
export function loadConfig(file) {
  return settingsFrom(readHocon(file));
}
