// The verifier's websocket (RFC 7395 transport): where it connects, how a failed handshake is worded, and the
// one error type every client step throws.
import WebSocket, { type ClientOptions } from "ws";

/** Where the verifier's websocket goes: a base URL (ws:// or wss://, no path) and extra handshake settings. */
export interface Endpoint {
  baseUrl: string;
  /** Extra HTTP headers for the upgrade request (e.g. Host: <domain> through a tunnel). */
  headers?: Record<string, string>;
  /** Extra `ws` options (agent, createConnection, ca, rejectUnauthorized...). */
  wsOptions?: Omit<ClientOptions, "headers" | "handshakeTimeout">;
}

/** Why a step could not complete: the transport, a timeout, the server closing, or an unexpected answer. */
export type VerifyErrorKind = "transport" | "timeout" | "closed" | "protocol";

/** A failure of one client step, worded for an operator (never contains a token). */
export class VerifyError extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly kind: VerifyErrorKind,
  ) {
    super(message);
    this.name = "VerifyError";
  }
}

export interface SessionOptions {
  endpoint: Endpoint;
  /** The XMPP domain for <open to=…> (main or guest domain). */
  to: string;
  /** The main domain: Origin header and the page's URL. */
  domain: string;
  /** ?room= (what jitsi-meet appends). */
  room?: string;
  /** The JWT: sent as ?token= and Authorization: Bearer. */
  token?: string;
  /** Per-step timeout. */
  timeoutMs: number;
}

/** The websocket URL (with ?room= and ?token=); contains the token, so never show it. */
export function websocketUrl(endpoint: Endpoint, room?: string, token?: string): string {
  const url = new URL(`${endpoint.baseUrl.replace(/\/+$/, "")}/xmpp-websocket`);
  if (room) url.searchParams.set("room", room);
  if (token) url.searchParams.set("token", token);
  return url.toString();
}

/** The websocket address for messages (no query, so no token). */
export function websocketLabel(endpoint: Endpoint): string {
  return `${endpoint.baseUrl.replace(/\/+$/, "")}/xmpp-websocket`;
}

/** Open the websocket with the xmpp subprotocol; transport failures become operator-worded VerifyErrors. */
export async function openWebsocket(opts: SessionOptions): Promise<WebSocket> {
  const { endpoint } = opts;
  const label = websocketLabel(endpoint);
  const headers: Record<string, string> = { Origin: `https://${opts.domain}`, ...(endpoint.headers ?? {}) };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  const ws = new WebSocket(websocketUrl(endpoint, opts.room, opts.token), "xmpp", {
    ...(endpoint.wsOptions ?? {}),
    headers,
    handshakeTimeout: opts.timeoutMs,
  });
  return new Promise<WebSocket>((resolve, reject) => {
    const onError = (err: Error & { code?: string }) => {
      ws.off("open", onOpen);
      reject(new VerifyError("websocket connect", describeTransportError(err, label, opts.domain), "transport"));
    };
    const onOpen = () => {
      ws.off("error", onError);
      if (ws.protocol !== "xmpp") {
        ws.terminate();
        reject(new VerifyError("websocket connect", `Prosody is not serving /xmpp-websocket at ${label}: the xmpp subprotocol was not accepted`, "transport"));
        return;
      }
      resolve(ws);
    };
    ws.once("error", onError);
    ws.once("open", onOpen);
  });
}

/** Operator wording for a failed websocket handshake (no URL query, so no token). */
export function describeTransportError(err: Error & { code?: string }, label: string, domain: string): string {
  const status = /Unexpected server response: (\d+)/.exec(err.message)?.[1];
  const prefix = `Prosody is not serving /xmpp-websocket at ${label}`;
  if (status === "404") return `${prefix} (HTTP 404: mod_websocket is not enabled on ${domain}, or the Host header names another VirtualHost)`;
  if (status === "501") return `${prefix} (HTTP 501: the websocket upgrade or the xmpp subprotocol was refused)`;
  if (status === "403") return `${prefix} (HTTP 403: the Origin https://${domain} is refused; check cross_domain_websocket)`;
  if (status) return `${prefix} (HTTP ${status})`;
  if (err.message.includes("Opening handshake has timed out")) return `${prefix}: no answer to the websocket handshake`;
  switch (err.code) {
    case "ECONNREFUSED":
      return `${prefix}: connection refused (is prosody running, with mod_websocket and http_ports 5280?)`;
    case "ECONNRESET":
    case "EPIPE":
      return `${prefix}: the connection was reset during the handshake`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot resolve ${domain} (DNS) to reach ${label}`;
    case "ETIMEDOUT":
      return `${prefix}: the connection timed out`;
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
    case "CERT_HAS_EXPIRED":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `the TLS certificate of ${domain} is not trusted (${err.code}); fix the certificate or verify through the SSH tunnel (without --public)`;
  }
  if (err.message === "Server sent no subprotocol") return `${prefix}: the server accepted the websocket without the xmpp subprotocol`;
  return `${prefix}: ${err.code ?? err.message}`;
}
