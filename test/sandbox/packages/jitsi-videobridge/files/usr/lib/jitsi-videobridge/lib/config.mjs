// The settings the videobridge stand-in reads from jvb.conf (sandbox test infrastructure): the XMPP client
// connections (jvb XmppClientConnectionConfig.kt: `videobridge.apis.xmpp-client.configs`, incomplete entries
// dropped), the presence interval, the ICE UDP port (`videobridge.ice.udp.port`, 10000) and ice4j's static
// mappings (`ice4j.harvest.mapping.static-mappings`), with the defaults of their reference.conf (docs/jitsi.md).
// Like jvb, the legacy `org.jitsi.videobridge.xmpp.user.<id>.*` properties of sip-communicator.properties (read from
// SC_HOME: /etc/jitsi-videobridge in the AUR's `config`) win over `configs` whenever any exist
// (XmppClientConnectionConfig.kt: legacy first, the new config only when it finds none).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { STANDINS } from "./standins.mjs";

const { ConfigError, at, parseDuration, readHocon } = await import(new URL("hocon.mjs", STANDINS).href);
const { mucClientConfig } = await import(new URL("muc-client.mjs", STANDINS).href);
export { ConfigError };

// JVB_HOCON_HELPER_DIR lets tests point at a helper compiled elsewhere.
export const HELPER_DIR = process.env.JVB_HOCON_HELPER_DIR || "/usr/lib/jitsi-videobridge/hocon";

/** Turns the parsed HOCON tree into the stand-in's settings; refuses what jvb refuses at start. */
export function jvbSettings(tree) {
  const xmpp = at(tree, "videobridge.apis.xmpp-client") ?? {};
  const configs = [];
  for (const [id, props] of Object.entries(xmpp.configs ?? {})) {
    if (!props || typeof props !== "object" || Array.isArray(props)) {
      throw new ConfigError(`org.jitsi.metaconfig.ConfigException$UnableToRetrieve$WrongType: Expected type ConfigObject but got ${typeof props}`);
    }
    const c = mucClientConfig(id, props);
    if (c.complete) configs.push(c);
  }
  const interval = xmpp["presence-interval"] ?? at(tree, "videobridge.stats.interval") ?? "5 seconds";
  const udpPort = Number(at(tree, "videobridge.ice.udp.port") ?? 10000);
  if (!Number.isInteger(udpPort) || udpPort < 0 || udpPort > 65535) {
    throw new ConfigError(`com.typesafe.config.ConfigException$WrongType: videobridge.ice.udp.port has type STRING rather than NUMBER`);
  }
  const mappings = at(tree, "ice4j.harvest.mapping.static-mappings") ?? [];
  if (!Array.isArray(mappings)) throw new ConfigError("com.typesafe.config.ConfigException$WrongType: ice4j.harvest.mapping.static-mappings has type OBJECT rather than LIST");
  const staticMappings = mappings.map((m) => {
    for (const k of ["local-address", "public-address"]) {
      if (m?.[k] === undefined) throw new ConfigError(`com.typesafe.config.ConfigException$Missing: No configuration setting found for key '${k}'`);
    }
    if ((m["local-port"] === undefined) !== (m["public-port"] === undefined)) {
      throw new ConfigError("Inconsistent value for local-port and public-port, both must be present or both missing.");
    }
    return { localAddress: String(m["local-address"]), publicAddress: String(m["public-address"]),
      localPort: m["local-port"] ?? null, publicPort: m["public-port"] ?? null, name: m.name ?? null };
  });
  return { configs, presenceIntervalMs: parseDuration(interval, "videobridge.apis.xmpp-client.presence-interval"), udpPort, staticMappings };
}

const LEGACY_PREFIX = "org.jitsi.videobridge.xmpp.user.";

/** The legacy XMPP user connections of a .properties text (`key=value` lines; `#`/`!` comments), by id. */
export function legacyXmppUsers(text) {
  const byId = new Map();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith("!")) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!m || !m[1].startsWith(LEGACY_PREFIX)) continue;
    const rest = m[1].slice(LEGACY_PREFIX.length);
    const dot = rest.indexOf(".");
    if (dot < 0) continue;
    const id = rest.slice(0, dot);
    if (!byId.has(id)) byId.set(id, {});
    byId.get(id)[rest.slice(dot + 1)] = m[2];
  }
  return [...byId].map(([id, props]) => mucClientConfig(id, props));
}

/** Loads and validates jvb.conf (with what it includes); legacy XMPP users in sip-communicator.properties beside it win. */
export function loadJvbConfig(file) {
  const settings = jvbSettings(readHocon(file, HELPER_DIR));
  const props = join(dirname(file), "sip-communicator.properties");
  const legacy = existsSync(props) ? legacyXmppUsers(readFileSync(props, "utf8")) : [];
  if (legacy.length) settings.configs = legacy.filter((c) => c.complete);
  return settings;
}
