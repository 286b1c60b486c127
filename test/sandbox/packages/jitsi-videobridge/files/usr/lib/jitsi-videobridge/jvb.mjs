#!/usr/bin/env node
// Stand-in for jitsi/jitsi-videobridge in sandbox hosts (sandbox test infrastructure, not upstream code; upstream
// entry point jvb/src/main/kotlin/org/jitsi/videobridge/Main.kt). It bridges no media; at the XMPP level it is the
// bridge of docs/jitsi.md "Bridges on their own hosts":
//
//   node jvb.mjs [--config /etc/jitsi-videobridge/jvb.conf] [--pidfile FILE] [--bind-address IP] [--syslog IDENT]
//
// Reads jvb.conf (a bad file: exit 1, as jvb dies on it), then detaches a child that logs in to each configured
// XMPP server like jicoco's MucClient, joins the brewery with its nickname, publishes colibri stats in its presence
// every presence-interval, answers health checks, binds videobridge.ice.udp.port and logs the static mappings.
// Its output is the journal (`journalctl -u jitsi-videobridge`): with --syslog, each line goes to syslog under IDENT
// with its own time, as journald stamps each line of a service's output (the unit passes it); else to stdout.
import { spawn } from "node:child_process";
import dgram from "node:dgram";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadJvbConfig } from "./lib/config.mjs";
import { STANDINS } from "./lib/standins.mjs";

const { MucClient } = await import(new URL("muc-client.mjs", STANDINS).href);
const { jitsiLogger, stamp } = await import(new URL("jitsi-log.mjs", STANDINS).href);
const { esc } = await import(new URL("xmpp-client.mjs", STANDINS).href);

const VERSION = "2.3.187";
const COLIBRI_STATS_NS = "http://jitsi.org/protocol/colibri";
const HEALTH_NS = "http://jitsi.org/protocol/healthcheck";
// XmppConnection.FEATURES
const FEATURES = [HEALTH_NS, "urn:xmpp:jingle:apps:dtls:0", "urn:xmpp:jingle:transports:ice-udp:1", "jabber:iq:version"];

/** Parses --name value options. */
function options(argv) {
  const o = { config: "/etc/jitsi-videobridge/jvb.conf", pidfile: undefined, "bind-address": "0.0.0.0", syslog: undefined, child: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--child") o.child = true;
    else if (["--config", "--pidfile", "--bind-address", "--syslog"].includes(a)) o[a.slice(2)] = argv[++i];
    else {
      process.stderr.write(`jvb: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return o;
}

/** Foreground: read the config (jvb dies on a bad one), start the detached bridge, record its pid. */
function launch(o) {
  let settings;
  try {
    settings = loadJvbConfig(o.config);
  } catch (e) {
    process.stderr.write(`JVB ${stamp()} SEVERE: [main] MainKt.main#0: Failed to start jitsi-videobridge\n` +
      `Exception in thread "main" ${e.message}\n`);
    process.exit(1);
  }
  // The child's output: through logger(1) to syslog, line by line, or our own stdout and stderr.
  let out = "inherit";
  if (o.syslog) {
    const logger = spawn("logger", ["-t", o.syslog], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    logger.unref();
    out = logger.stdin;
  }
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child"], { detached: true, stdio: ["pipe", out, out] });
  child.stdin.end(JSON.stringify({ settings, bindAddress: o["bind-address"] }));
  if (o.pidfile) writeFileSync(o.pidfile, `${child.pid}\n`);
  child.unref();
  process.exit(0);
}

/** The colibri stats jvb publishes in its brewery presence (VideobridgeStatisticsShim; those jicofo reads). */
function statsXml() {
  const stats = {
    current_timestamp: new Date().toISOString(), version: VERSION, release: "null", drain: false, graceful_shutdown: false,
    shutting_down: false, healthy: true, stress_level: 0, average_participant_stress: 0.01, conferences: 0,
    participants: 0, endpoints: 0, largest_conference: 0, threads: 20,
  };
  return `<stats xmlns="${COLIBRI_STATS_NS}">${Object.entries(stats).map(([k, v]) => `<stat name="${k}" value="${esc(String(v))}"/>`).join("")}</stats>`;
}

/** ice4j: the single UDP port on the host address, then the static mappings (MappingCandidateHarvesters). */
function startIce(settings, bindAddress) {
  const harvester = jitsiLogger("JVB", "org.ice4j.ice.harvest.SinglePortUdpHarvester");
  const mappings = jitsiLogger("JVB", "org.ice4j.ice.harvest.MappingCandidateHarvesters");
  const socket = dgram.createSocket("udp4");
  socket.on("error", (e) => harvester.warn("<init>", `Failed to create SinglePortUdpHarvester for address ${bindAddress}:${settings.udpPort}/udp: java.net.BindException: ${e.code === "EADDRINUSE" ? "Address already in use" : e.message}`));
  socket.on("message", () => undefined);
  socket.bind(settings.udpPort, bindAddress, () =>
    harvester.info("<init>", `Initialized SinglePortUdpHarvester with address ${bindAddress}:${settings.udpPort}/udp`));
  for (const m of settings.staticMappings) {
    mappings.info("initialize", `Adding a static mapping: StaticMapping(localAddress=${m.localAddress}, publicAddress=${m.publicAddress}, localPort=${m.localPort}, publicPort=${m.publicPort}, name=${m.name})`);
    mappings.info("initialize", `Using org.ice4j.ice.harvest.StaticMappingCandidateHarvester(face=${m.localAddress}:${m.localPort ?? 9}/udp, mask=${m.publicAddress}:${m.publicPort ?? 9}/udp)`);
  }
  mappings.info("initialize", "Initialized mapping harvesters (delay=0ms).  stunDiscoveryFailed=false");
  return socket;
}

/** Child: the bridge's XMPP connections and presence publisher, until SIGTERM. */
function serve({ settings, bindAddress }) {
  const main = jitsiLogger("JVB", "MainKt");
  main.info("main", `Starting jitsi-videobridge version ${VERSION} (sandbox stand-in)`);
  const socket = startIce(settings, bindAddress);
  const result = (iq, inner = "") => `<iq type="result" id="${esc(iq.attrs.id ?? "")}" to="${esc(iq.attrs.from ?? "")}">${inner}</iq>`;
  const iqHandlers = {
    [`healthcheck ${HEALTH_NS}`]: (iq) => result(iq),
    "query jabber:iq:version": (iq) => result(iq, `<query xmlns="jabber:iq:version"><name>JVB</name><version>${VERSION}</version><os>Linux</os></query>`),
  };
  const clients = settings.configs.map((c) => new MucClient(c, { program: "JVB", features: FEATURES, iqHandlers }));
  for (const c of clients) c.start();
  // MucPublisher: scheduleAtFixedRate(publishPresence, 0, interval)
  const publisher = jitsiLogger("JVB", "MucPublisher");
  publisher.info("start", `Starting with interval PT${settings.presenceIntervalMs / 1000}S.`);
  const publish = () => {
    const xml = statsXml();
    for (const c of clients) c.setPresenceExtensions(xml);
  };
  publish();
  const timer = setInterval(publish, settings.presenceIntervalMs);

  const shutdown = () => {
    main.info("main", "Stopping jitsi-videobridge");
    clearInterval(timer);
    for (const c of clients) c.stop();
    socket.close();
    setTimeout(() => process.exit(0), 300);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

const o = options(process.argv.slice(2));
if (o.child) serve(JSON.parse(readFileSync(0, "utf8")));
else launch(o);
