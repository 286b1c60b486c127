// The settings the videobridge stand-in reads from jvb.conf (sandbox test infrastructure): the XMPP client
// connections (jvb XmppClientConnectionConfig.kt: `videobridge.apis.xmpp-client.configs`, incomplete entries
// dropped), the presence interval, the ICE UDP port (`videobridge.ice.udp.port`, 10000) and ice4j's static
// mappings (`ice4j.harvest.mapping.static-mappings`), with the defaults of their reference.conf (docs/jitsi.md).
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

/** Loads and validates jvb.conf (with what it includes). */
export function loadJvbConfig(file) {
  return jvbSettings(readHocon(file, HELPER_DIR));
}
