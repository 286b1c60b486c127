// Stand-in for jicofo's REST interface (sandbox test infrastructure; upstream jicofo/src/main/kotlin/org/jitsi/
// jicofo/ktor/Application.kt, JicofoServices.getStats/getDebugState): GET /stats, /debug (?full=true),
// /about/version and /about/health on jicofo.rest.host:jicofo.rest.port (docs/jitsi.md "Bridges on their own hosts").
import http from "node:http";
import { createLogger } from "./log.mjs";

/** Starts the server; state() returns { brewery, conferences } at request time. Resolves with the server or null. */
export function startRest(rest, state) {
  const log = createLogger("JicofoKtor");
  if (!rest.enabled) return Promise.resolve(null);
  const json = (res, code, body) => {
    res.writeHead(code, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://jicofo");
    if (req.method !== "GET") return json(res, 405, { error: "method not allowed" });
    const { brewery, conferences } = state();
    const selectorStats = brewery?.stats() ?? { bridge_count: 0, operational_bridge_count: 0, in_shutdown_bridge_count: 0, lost_bridges: 0, bridge_version_count: 0 };
    switch (url.pathname) {
      case "/stats":
        return json(res, 200, { conferences, participants: 0, bridge_selector: selectorStats, jigasi: {}, jingle: {}, threads: 20, version: "1.0.1189" });
      case "/debug":
        if (!rest.debug) break;
        return json(res, 200, {
          focus_manager: { conferences: conferences }, bridge_selector: brewery?.debugState() ?? { strategy: "SingleBridgeSelectionStrategy", bridge: {} },
          jibri_detector: null, sip_jibri_detector: null, jigasi_detector: null, av_moderation: {}, conference_iq_handler: {},
        });
      case "/about/version":
        return json(res, 200, { name: "Jicofo", version: "1.0.1189", os: "Linux" });
      case "/about/health":
        res.writeHead(200);
        return res.end();
    }
    json(res, 404, { error: "not found" });
  });
  log.info("start", `Starting ktor on port ${rest.port}, host ${rest.host}`);
  return new Promise((resolve) => {
    server.once("error", (e) => {
      log.error("start", `Failed to start ktor: java.net.BindException: ${e.code === "EADDRINUSE" ? "Address already in use" : e.message}`);
      resolve(null);
    });
    server.listen(rest.port, rest.host, () => resolve(server));
  });
}
