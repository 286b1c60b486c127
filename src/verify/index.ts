// Entry point of the XMPP verifier: run the checks against a host through an SSH tunnel or the public URL.
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import type { Host } from "../host/host.js";
import type { Inventory } from "../inventory-types.js";
import { readConfigJsHosts } from "../render/config-js.js";
import { CHECK_NAMES, verify, type CheckId, type CheckResult, type ClientView } from "./checks.js";
import { openTunnel } from "./tunnel.js";
import { WEB_CHECK, webPath } from "./web.js";
import { PATHS } from "../platform.js";

export { verify, CHECK_NAMES, type CheckId, type CheckResult, type VerifyOptions } from "./checks.js";
export { formatChecks } from "./format.js";
export { openTunnel, type Tunnel } from "./tunnel.js";
export type { Endpoint } from "./websocket.js";

export interface VerifyHostOptions {
  /** Use wss://<domain>/xmpp-websocket (through nginx, DNS and TLS) instead of the SSH tunnel to Prosody. */
  public?: boolean;
  /** Per-step timeout (default 10 s). */
  timeoutMs?: number;
  /** Prosody's HTTP port on the host (default 5280). */
  httpPort?: number;
  /** Also check h (web-path) through nginx; default true. */
  web?: boolean;
}

/**
 * Verify one provisioned host; every check is reported, none throws for server behaviour. Everything that can run
 * at once does: config.js and the certificate are read while the tunnel to Prosody is probed, and check h runs
 * through its own tunnel to nginx beside checks a–g.
 */
export async function verifyHost(host: Host, inv: Inventory, opts: VerifyHostOptions = {}): Promise<CheckResult[]> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const web = opts.web !== false;
  if (opts.public) {
    const client = await clientView(host);
    const [xmpp, h] = await Promise.all([
      verify({ inv, client, endpoint: `wss://${inv.jitsi.domain}`, timeoutMs }),
      web ? timed(() => webPath(inv, { baseUrl: `https://${inv.jitsi.domain}` }, timeoutMs)) : undefined,
    ]);
    return h ? [...xmpp, h] : xmpp;
  }
  const address = inv.jitsi.prosodyAddress;
  const port = opts.httpPort ?? 5280;
  const [client, cert, probed] = await Promise.all([
    clientView(host),
    web ? host.readFile(`${PATHS.certDir}/${inv.jitsi.domain}.crt`, { sudo: true }).catch(() => null) : null,
    probe(host, address, port),
  ]);
  if (!probed.ok) return allFailed(`Prosody is not listening on ${address}:${port} on ${host.name} (${probed.why})`);
  const tunnel = await openTunnel(host, address, port, probed.channel);
  try {
    const [results, h] = await Promise.all([
      // Prosody routes HTTP by Host header, so name the main domain rather than the tunnel's 127.0.0.1.
      verify({ inv, client, endpoint: { baseUrl: tunnel.baseUrl, headers: { Host: inv.jitsi.domain } }, timeoutMs }),
      web ? timed(() => webPathThroughTunnel(host, inv, cert, timeoutMs)) : undefined,
    ]);
    return h ? [...results, h] : results;
  } finally {
    await tunnel.close();
  }
}

/** Check h over SSH: a tunnel to nginx's HTTPS port, trusting the certificate the host serves from its own files. */
async function webPathThroughTunnel(host: Host, inv: Inventory, cert: string | null, timeoutMs: number): Promise<CheckResult> {
  const web = await openTunnel(host, inv.jitsi.webAddress ?? "127.0.0.1", 443);
  try {
    return await webPath(inv, { baseUrl: web.baseUrl.replace(/^ws:/, "https:"), ca: cert ? [cert] : undefined }, timeoutMs);
  } finally {
    await web.close();
  }
}

/** A check's result with how long it took. */
async function timed(check: () => Promise<CheckResult>): Promise<CheckResult> {
  const t0 = performance.now();
  const r = await check();
  return { ...r, ms: Math.round(performance.now() - t0) };
}

/** The web client's configuration on the host (config.js hosts); undefined when there is no readable config.js. */
async function clientView(host: Host): Promise<ClientView | undefined> {
  const text = await host.readFile(PATHS.configJs, { sudo: true }).catch(() => null);
  if (text === null) return undefined;
  try {
    const h = readConfigJsHosts(text);
    return { source: PATHS.configJs, domain: h.domain, anonymousdomain: h.anonymousdomain, muc: h.muc };
  } catch {
    return undefined;
  }
}

/** Whether the host can reach Prosody: the channel opened to find out is kept for the tunnel's first connection. */
async function probe(host: Host, address: string, port: number): Promise<{ ok: true; channel: Duplex } | { ok: false; why: string }> {
  try {
    return { ok: true, channel: await host.forward(address, port) };
  } catch (e) {
    return { ok: false, why: `SSH forward failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function allFailed(detail: string): CheckResult[] {
  return ([...Object.keys(CHECK_NAMES), "h"] as CheckId[]).map((id, i) =>
    i === 0 ? { id, name: checkName(id), ok: false, detail } : { id, name: checkName(id), ok: false, skipped: true, detail: `not run: ${detail}` },
  );
}

function checkName(id: CheckId): string {
  return id === "h" ? WEB_CHECK.name : id === "i" ? "bridges" : CHECK_NAMES[id as Exclude<CheckId, "h" | "i">];
}
