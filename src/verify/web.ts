// Check h (web-path): the way browsers come in. nginx serves config.js over HTTPS and passes a token
// through /xmpp-websocket to Prosody (docs/failure-modes.md #3: the token never reaches Prosody).
import https from "node:https";
import { rootCertificates } from "node:tls";
import type { Inventory } from "../inventory-types.js";
import { mintToken } from "../token.js";
import { describeSaslFailure } from "./stanza.js";
import { VerifyError, type Endpoint } from "./websocket.js";
import { XmppSession } from "./xmpp.js";
import type { CheckResult } from "./checks.js";

export const WEB_CHECK = { id: "h", name: "web-path" } as const;

export interface WebTarget {
  /** https base URL to connect to (the public URL, or a local tunnel to nginx). */
  baseUrl: string;
  /** Extra CA certificates (the host's own certificate when it is self-signed). */
  ca?: string[];
}

/** GET a path with the domain as TLS server name and Host header; resolves status and body. */
function get(target: WebTarget, domain: string, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const url = new URL(path, target.baseUrl);
  return new Promise((resolve, reject) => {
    const req = https.request(
      { hostname: url.hostname, port: url.port || 443, path: url.pathname, method: "GET", servername: domain, headers: { Host: domain }, ca: target.ca ? [...rootCertificates, ...target.ca] : undefined, timeout: timeoutMs },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c.length + body.length < 1_000_000 ? c : ""));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Run check h against nginx: config.js over HTTPS and a token login over wss://…/xmpp-websocket, both at once (two
 * connections, two tunnel channels); config.js's verdict is reported first, as when they ran one after the other.
 */
export async function webPath(inv: Inventory, target: WebTarget, timeoutMs: number): Promise<CheckResult> {
  const { id, name } = WEB_CHECK;
  const domain = inv.jitsi.domain;
  const [configJsProblem, loginProblem] = await Promise.all([configJsProblemOf(inv, target, timeoutMs), loginProblemOf(inv, target, timeoutMs)]);
  const problem = configJsProblem ?? loginProblem;
  if (problem) return { id, name, ok: false, detail: problem };
  return { id, name, ok: true, detail: `https://${domain}/config.js served; a token logged in through wss://${domain}/xmpp-websocket (nginx → Prosody)` };
}

/** Why nginx does not serve the right config.js; undefined when it does. */
async function configJsProblemOf(inv: Inventory, target: WebTarget, timeoutMs: number): Promise<string | undefined> {
  const domain = inv.jitsi.domain;
  try {
    const cfg = await get(target, domain, "/config.js", timeoutMs);
    if (cfg.status !== 200) return `https://${domain}/config.js answered HTTP ${cfg.status} through nginx (is the nginx site in place and nginx restarted?)`;
    if (!cfg.body.includes(inv.jitsi.guestDomain)) return `https://${domain}/config.js does not name the guest domain ${inv.jitsi.guestDomain}: nginx serves another config.js than /etc/webapps/jitsi-meet/config.js`;
    return undefined;
  } catch (e) {
    return `nginx does not serve https://${domain}/config.js: ${(e as Error).message}`;
  }
}

/** Why a valid token cannot log in through nginx's /xmpp-websocket; undefined when it can. */
async function loginProblemOf(inv: Inventory, target: WebTarget, timeoutMs: number): Promise<string | undefined> {
  const domain = inv.jitsi.domain;
  const room = `provision-verify-web-${Date.now().toString(36)}`;
  const token = await mintToken(inv, { room, ttlSeconds: 120, name: "provision verify" });
  const wsBase = target.baseUrl.replace(/^https:/, "wss:");
  const endpoint: Endpoint = { baseUrl: wsBase, headers: { Host: domain }, wsOptions: { servername: domain, ca: target.ca ? [...rootCertificates, ...target.ca] : undefined } as Endpoint["wsOptions"] };
  let s: XmppSession | undefined;
  try {
    s = await XmppSession.connect({ endpoint, to: domain, domain, room, token, timeoutMs });
    if (!s.mechanisms.includes("ANONYMOUS")) return `through nginx, Prosody offered no ANONYMOUS login to a valid token (the token is lost on the way: check the /xmpp-websocket proxy passes ?token= and Authorization)`;
    const sasl = await s.authAnonymous();
    if (!sasl.ok) return `a valid token was refused through nginx: ${describeSaslFailure(sasl.failure)} (check the /xmpp-websocket proxy passes the query string)`;
    return undefined;
  } catch (e) {
    const msg = e instanceof VerifyError ? e.message : (e as Error).message;
    return `wss://${domain}/xmpp-websocket through nginx: ${msg.split(token).join("<redacted>")}`;
  } finally {
    await s?.close();
  }
}
