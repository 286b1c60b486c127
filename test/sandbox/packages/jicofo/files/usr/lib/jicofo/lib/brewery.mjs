// Stand-in for jicofo's bridge detection (sandbox test infrastructure; upstream BaseBrewery.java,
// BridgeMucDetector.kt, BridgeSelector.kt, Bridge.kt, JvbDoctor.java; facts in docs/jitsi.md "Bridges on their own
// hosts"): jicofo joins the brewery MUC, counts an occupant as a bridge once its presence carries colibri stats,
// forgets it when it leaves, and health-checks each bridge (a failure or timeout makes it non-operational for the
// failure-reset threshold). stats() and debugState() are the `bridge_selector` objects of /stats and /debug.
import { Element } from "ltx";
import { createLogger } from "./log.mjs";
import { STANDINS } from "./standins.mjs";

const { esc } = await import(new URL("xmpp-client.mjs", STANDINS).href);

const COLIBRI_NS = "http://jitsi.org/protocol/colibri";
const HEALTH_NS = "http://jitsi.org/protocol/healthcheck";
const NICK = "focus";

/** One bridge as jicofo's Bridge keeps it. */
class Bridge {
  constructor(jid) {
    this.jid = jid;
    this.stats = {};
    this.failureAt = null;
    this.operationalFlag = true;
  }

  /** Bridge.setStats: the stats jicofo reads. */
  setStats(stats) {
    this.stats = { ...this.stats, ...stats };
  }

  /** isOperational: false until failure-reset-threshold has passed since the last failure. */
  operational(resetMs) {
    if (this.failureAt !== null && Date.now() - this.failureAt < resetMs) return false;
    return this.operationalFlag;
  }

  /** Records a health-check outcome. */
  setOperational(ok) {
    this.operationalFlag = ok;
    if (!ok) this.failureAt = Date.now();
  }

  get gracefulShutdown() { return this.stats.graceful_shutdown === "true"; }
  get shuttingDown() { return this.stats.shutting_down === "true"; }
  get draining() { return this.stats.drain === undefined ? true : this.stats.drain === "true"; }
  get stress() { return Number(this.stats.stress_level ?? 0); }

  toString() {
    return `Bridge[jid=${this.jid}, version=${this.stats.version ?? "null"}, relayId=${this.stats.relay_id ?? "null"}, ` +
      `region=${this.stats.region ?? "null"}, correctedStress=${this.stress.toFixed(2)}]`;
  }
}

/** The brewery room and the bridges in it, for one XMPP connection of jicofo. */
export class Brewery {
  constructor(client, settings) {
    this.client = client;
    this.jid = settings.breweryJid;
    this.settings = settings.bridge;
    this.bridges = new Map(); // occupant JID -> Bridge
    this.lost = 0;
    this.log = createLogger("BridgeMucDetector");
    this.selector = createLogger("BridgeSelector");
    this.doctor = createLogger("JvbDoctor");
    this.timer = null;
  }

  /** BaseBrewery.start: join the room; health checks every interval. */
  start() {
    this.client.send(`<presence to="${esc(`${this.jid}/${NICK}`)}"><x xmlns="http://jabber.org/protocol/muc"/></presence>`);
    if (this.settings.healthChecks) this.timer = setInterval(() => this.healthCheckAll(), this.settings.healthIntervalMs);
  }

  /** True when the stanza came from the brewery room. */
  owns(el) {
    return (el.attrs.from ?? "").split("/")[0].toLowerCase() === this.jid.toLowerCase();
  }

  /** Presence from the brewery: our own join, bridges' stats, occupants leaving. */
  onPresence(el) {
    const from = el.attrs.from ?? "";
    const nick = from.slice(from.indexOf("/") + 1);
    if (nick === NICK) {
      if (el.attrs.type === "error") this.log.error("start", `Failed to create room. ${el.toString()}`);
      else if (el.attrs.type !== "unavailable" && !this.joined) {
        this.joined = true;
        this.log.info("start", "Joined the room.");
      }
      return;
    }
    if (el.attrs.type === "unavailable") return this.remove(from);
    if (el.attrs.type) return;
    const ext = el.getChild("stats", COLIBRI_NS);
    if (!ext) return; // "if the extension is missing skip processing"
    const stats = Object.fromEntries(ext.getChildren("stat").map((s) => [s.attrs.name, s.attrs.value]));
    let bridge = this.bridges.get(from);
    if (!bridge) {
      bridge = new Bridge(from);
      bridge.setStats(stats);
      this.bridges.set(from, bridge);
      this.log.info("addInstance", `Added brewery instance: ${from}`);
      this.selector.info("addJvbAddress", `Added new videobridge: ${bridge}`);
    } else {
      bridge.setStats(stats);
    }
  }

  /** removeInstance / BridgeSelector.removeJvbAddress. */
  remove(jid) {
    const bridge = this.bridges.get(jid);
    if (!bridge) return;
    this.bridges.delete(jid);
    this.log.info("removeInstance", `Removed brewery instance: ${jid}`);
    this.selector.info("removeJvbAddress", `Removing JVB: ${jid}`);
    if (!bridge.gracefulShutdown && !bridge.shuttingDown) {
      this.selector.warn("removeJvbAddress", `Lost a bridge: ${jid}`);
      this.lost += 1;
    }
  }

  /** JvbDoctor: a healthcheck IQ to each bridge; an error or no reply makes it non-operational. */
  healthCheckAll() {
    for (const bridge of this.bridges.values()) {
      const iq = new Element("iq", { type: "get", to: bridge.jid }).c("healthcheck", { xmlns: HEALTH_NS }).root();
      this.client.request(iq, this.settings.healthIntervalMs).then(
        (reply) => {
          if (reply.attrs.type === "result") return bridge.setOperational(true);
          this.doctor.warn("doHealthCheck", `Health check failed for: ${bridge}: ${reply.getChild("error")?.toString() ?? ""}`);
          bridge.setOperational(false);
        },
        () => {
          if (!this.bridges.has(bridge.jid)) return;
          this.doctor.warn("doHealthCheck", `Health check timed out for: ${bridge}`);
          bridge.setOperational(false);
        },
      );
    }
  }

  /** BaseBrewery.stop: the connection is gone, so is every bridge. */
  stop() {
    clearInterval(this.timer);
    for (const jid of [...this.bridges.keys()]) this.remove(jid);
  }

  /** /stats bridge_selector (BridgeSelector.stats). */
  stats() {
    const all = [...this.bridges.values()];
    return {
      bridge_count: all.length,
      operational_bridge_count: all.filter((b) => b.operational(this.settings.failureResetMs)).length,
      in_shutdown_bridge_count: all.filter((b) => b.gracefulShutdown).length,
      lost_bridges: this.lost,
      bridge_version_count: new Set(all.map((b) => b.stats.version ?? null)).size,
    };
  }

  /** /debug bridge_selector (BridgeSelector.debugState, Bridge.debugState). */
  debugState() {
    const bridge = {};
    for (const b of this.bridges.values()) {
      bridge[b.jid] = {
        "corrected-stress": b.stress, drain: b.draining, endpoints: 0, "endpoint-restart-requests": 0, "failing-ice": false,
        "graceful-shutdown": b.gracefulShutdown, healthy: b.stats.healthy === undefined ? true : b.stats.healthy === "true",
        operational: b.operational(this.settings.failureResetMs), overloaded: b.stress >= 0.8,
        region: String(b.stats.region ?? "null"), "relay-id": String(b.stats.relay_id ?? "null"),
        release: String(b.stats.release ?? "null"), "shutting-down": b.shuttingDown, stress: b.stress,
        version: String(b.stats.version ?? "null"),
      };
    }
    return { strategy: "SingleBridgeSelectionStrategy", bridge };
  }
}
