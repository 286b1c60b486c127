// Entry point of the XMPP verifier: run the checks against a host through an SSH tunnel or the public URL.
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
export type { Endpoint } from "./xmpp.js";

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

/** Verify one provisioned host; every check is reported, none throws for server behaviour. */
export async function verifyHost(host: Host, inv: Inventory, opts: VerifyHostOptions = {}): Promise<CheckResult[]> {
  const client = await clientView(host);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (opts.public)
    return [
      ...(await verify({ inv, client, endpoint: `wss://${inv.jitsi.domain}`, timeoutMs })),
      ...(opts.web === false ? [] : [await webPath(inv, { baseUrl: `https://${inv.jitsi.domain}` }, timeoutMs)]),
    ];
  const address = inv.jitsi.prosodyAddress;
  const port = opts.httpPort ?? 5280;
  const unreachable = await probe(host, address, port);
  if (unreachable) return allFailed(`Prosody is not listening on ${address}:${port} on ${host.name} (${unreachable})`);
  const tunnel = await openTunnel(host, address, port);
  let results: CheckResult[];
  try {
    // Prosody routes HTTP by Host header, so name the main domain rather than the tunnel's 127.0.0.1.
    results = await verify({ inv, client, endpoint: { baseUrl: tunnel.baseUrl, headers: { Host: inv.jitsi.domain } }, timeoutMs });
  } finally {
    await tunnel.close();
  }
  return opts.web === false ? results : [...results, await webPathThroughTunnel(host, inv, timeoutMs)];
}

/** Check h over SSH: a tunnel to nginx's HTTPS port, trusting the certificate the host serves from its own files. */
async function webPathThroughTunnel(host: Host, inv: Inventory, timeoutMs: number): Promise<CheckResult> {
  const cert = await host.readFile(`${PATHS.certDir}/${inv.jitsi.domain}.crt`, { sudo: true }).catch(() => null);
  const web = await openTunnel(host, inv.jitsi.webAddress ?? "127.0.0.1", 443);
  try {
    return await webPath(inv, { baseUrl: web.baseUrl.replace(/^ws:/, "https:"), ca: cert ? [cert] : undefined }, timeoutMs);
  } finally {
    await web.close();
  }
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

async function probe(host: Host, address: string, port: number): Promise<string | undefined> {
  try {
    const channel = await host.forward(address, port);
    channel.destroy();
    return undefined;
  } catch (e) {
    return `SSH forward failed: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function allFailed(detail: string): CheckResult[] {
  return ([...Object.keys(CHECK_NAMES), "h"] as CheckId[]).map((id, i) =>
    i === 0 ? { id, name: checkName(id), ok: false, detail } : { id, name: checkName(id), ok: false, skipped: true, detail: `not run: ${detail}` },
  );
}

function checkName(id: CheckId): string {
  return id === "h" ? WEB_CHECK.name : CHECK_NAMES[id as Exclude<CheckId, "h">];
}
