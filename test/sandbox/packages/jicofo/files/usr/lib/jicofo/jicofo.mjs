#!/usr/bin/env node
// Stand-in for jitsi/jicofo (the Jitsi Conference Focus) in sandbox hosts; sandbox test
// infrastructure, not upstream code. Upstream entry point: jicofo/src/main/kotlin/org/jitsi/jicofo/Main.kt.
//
//   node jicofo.mjs [--config /etc/jicofo/jicofo.conf] [--pidfile FILE] [--log FILE]
//
// Reads the config (a bad file or a missing password: exit 1 with a jicofo-like error),
// then detaches a child that keeps an XMPP client connection to Prosody, answers
// conference IQs relayed by focus.DOMAIN and sits in the conference rooms.
import { spawn } from "node:child_process";
import { appendFileSync, openSync, writeFileSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadConfig } from "./lib/config.mjs";
import { createLogger } from "./lib/log.mjs";
import { STANDINS } from "./lib/standins.mjs";
import { Focus } from "./lib/focus.mjs";
import { Brewery } from "./lib/brewery.mjs";
import { startRest } from "./lib/rest.mjs";

const { XmppClient } = await import(new URL("xmpp-client.mjs", STANDINS).href);

/** Parses --name value options. */
function options(argv) {
  const o = { config: "/etc/jicofo/jicofo.conf", pidfile: undefined, log: undefined, child: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--child") o.child = true;
    else if (a === "--config" || a === "--pidfile" || a === "--log") o[a.slice(2)] = argv[++i];
    else {
      process.stderr.write(`jicofo: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  return o;
}

/** Foreground: validate the config, start the detached service, record its pid. */
function launch(o) {
  const log = createLogger("JicofoKt");
  let settings;
  try {
    settings = loadConfig(o.config);
  } catch (e) {
    const line = `Jicofo ${new Date().toISOString().replace("T", " ").replace("Z", "")} SEVERE: [main] JicofoKt.main#0: Failed to start jicofo: ${e.message}\n`;
    process.stderr.write(line);
    if (o.log) appendFileSync(o.log, line);
    process.exit(1);
  }
  if (!settings.client.enabled) {
    log.warn("main", "jicofo.xmpp.client.enabled is false; nothing to do");
  }
  const out = o.log ? openSync(o.log, "a") : "inherit";
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child"], {
    detached: true,
    stdio: ["pipe", out, out],
  });
  child.stdin.end(JSON.stringify(settings));
  if (o.pidfile) writeFileSync(o.pidfile, `${child.pid}\n`);
  child.unref();
  process.exit(0);
}

/** Child: keep a logged-in XMPP connection, reconnecting like jicofo does. */
function serve(settings) {
  const log = createLogger("XmppProvider");
  let client = null;
  let focus = null;
  let brewery = null;
  let stopping = false;
  const rest = startRest(settings.rest, () => ({ brewery, conferences: focus ? focus.conferences.size : 0 }));

  const connect = async () => {
    if (stopping) return;
    const c = new XmppClient(settings.client, log);
    client = c;
    c.on("disconnected", (err) => {
      if (focus) focus.stopAll();
      if (brewery) brewery.stop();
      focus = null;
      brewery = null;
      if (stopping) return;
      log.warn("connectionClosed", `XMPP connection closed: ${err?.message ?? "unknown"}; reconnecting in 5 s`);
      setTimeout(connect, 5000);
    });
    try {
      const jid = await c.login();
      log.info("doConnect", `Registered as ${jid} with ${settings.client.hostname}:${settings.client.port}`);
      focus = new Focus(c, settings);
      brewery = settings.breweryJid ? new Brewery(c, settings) : null;
      c.on("stanza", (el) => {
        if (el.name === "presence" && brewery && brewery.owns(el)) brewery.onPresence(el);
        else if (focus) focus.onStanza(el);
      });
      if (brewery) brewery.start();
    } catch (e) {
      log.error("doConnect", `Failed to connect/login: ${e.message}`);
      c.fail(e);
    }
  };

  const shutdown = () => {
    stopping = true;
    createLogger("JicofoKt").info("main", "Stopping services.");
    if (focus) focus.stopAll();
    if (brewery) brewery.stop();
    if (client) client.close();
    rest.then((server) => server && server.close());
    setTimeout(() => process.exit(0), 300);
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  createLogger("JicofoKt").info("main", `Starting Jicofo (sandbox stand-in), auth type ${settings.auth.type}`);
  if (settings.client.enabled) connect();
  setInterval(() => {}, 1 << 30);
}

const o = options(process.argv.slice(2));
if (o.child) {
  serve(JSON.parse(readFileSync(0, "utf8")));
} else {
  launch(o);
}
