// A small XMPP-over-WebSocket client (RFC 7395) for the stand-in tests: SASL ANONYMOUS,
// bind, conference IQ, MUC join. Each WebSocket message carries one complete element.
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { type Element, parse } from "./ltx-shim.js";


/** Outcome of the SASL exchange: success, or the failure condition and text. */
export type SaslOutcome = { ok: true } | { ok: false; condition: string; text: string };

/** One XMPP session over a WebSocket. */
export class WsXmppClient {
  private readonly inbox: Element[] = [];
  private waiters: Array<{ match: (el: Element) => boolean; resolve: (el: Element) => void }> = [];
  private closed = false;
  jid = "";

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const text = data.toString();
      let el: Element;
      try {
        el = parse(text) as Element;
      } catch {
        return;
      }
      const i = this.waiters.findIndex((w) => w.match(el));
      if (i >= 0) {
        const [w] = this.waiters.splice(i, 1);
        w!.resolve(el);
      } else {
        this.inbox.push(el);
      }
    });
    ws.on("close", () => {
      this.closed = true;
    });
  }

  /**
   * Opens the WebSocket with the xmpp subprotocol; optional Bearer token header.
   * `host` sets the HTTP Host header: Prosody routes HTTP by it (404 for an unknown host).
   */
  static async connect(url: string, opts: { bearer?: string; origin?: string; host?: string } = {}): Promise<WsXmppClient> {
    const headers: Record<string, string> = {};
    if (opts.host) headers["Host"] = opts.host;
    if (opts.bearer) headers["Authorization"] = `Bearer ${opts.bearer}`;
    if (opts.origin) headers["Origin"] = opts.origin;
    const ws = new WebSocket(url, "xmpp", { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`websocket upgrade refused: HTTP ${res.statusCode}`)));
    });
    return new WsXmppClient(ws);
  }

  /** Sends raw XML text. */
  send(xmlText: string): void {
    this.ws.send(xmlText);
  }

  /** Waits for the next element matching pred (already received ones first). */
  next(pred: (el: Element) => boolean, timeoutMs = 10_000, what = "stanza"): Promise<Element> {
    const i = this.inbox.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    if (this.closed) return Promise.reject(new Error(`connection closed while waiting for ${what}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; unmatched: ${this.inbox.map(String).join(" | ").slice(0, 2000)}`));
      }, timeoutMs);
      const done = (el: Element) => {
        clearTimeout(timer);
        resolve(el);
      };
      this.waiters.push({ match: pred, resolve: done });
    });
  }

  /** Opens (or re-opens) the stream and returns the <stream:features>. */
  async open(domain: string): Promise<Element> {
    this.send(`<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="${esc(domain)}" version="1.0"/>`);
    await this.next((el) => el.name === "open", 10_000, "<open/>");
    return this.next((el) => el.name === "stream:features" || el.name === "features", 10_000, "stream features");
  }

  /** SASL ANONYMOUS; resolves with success or the failure condition/text. */
  async saslAnonymous(domain: string): Promise<SaslOutcome> {
    const features = await this.open(domain);
    const mechs = features.getChild("mechanisms", "urn:ietf:params:xml:ns:xmpp-sasl");
    const names = mechs ? mechs.getChildren("mechanism").map((m) => m.getText()) : [];
    if (!names.includes("ANONYMOUS")) {
      return { ok: false, condition: "no-anonymous-mechanism", text: `offered: ${names.join(",") || "none"}` };
    }
    this.send(`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="ANONYMOUS"/>`);
    const reply = await this.next((el) => el.name === "success" || el.name === "failure", 10_000, "SASL reply");
    if (reply.name === "success") return { ok: true };
    const cond = reply.children.find((c): c is Element => typeof c !== "string" && c.name !== "text");
    return { ok: false, condition: cond?.name ?? "", text: reply.getChildText("text") ?? "" };
  }

  /** Re-opens the stream after SASL and binds a resource; returns the full JID. */
  async bind(domain: string): Promise<string> {
    await this.open(domain);
    this.send(`<iq xmlns="jabber:client" type="set" id="bind1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>`);
    const res = await this.next((el) => el.name === "iq" && el.attrs.id === "bind1", 10_000, "bind result");
    const jid = res.getChild("bind")?.getChildText("jid");
    if (res.attrs.type !== "result" || !jid) throw new Error(`bind failed: ${res.toString()}`);
    this.jid = jid;
    return jid;
  }

  /** Sends an IQ and waits for its result or error. */
  async iq(body: string, to: string, type: "get" | "set" = "set", timeoutMs = 20_000): Promise<Element> {
    const id = `iq-${randomBytes(4).toString("hex")}`;
    this.send(`<iq xmlns="jabber:client" type="${type}" to="${esc(to)}" id="${id}">${body}</iq>`);
    return this.next((el) => el.name === "iq" && el.attrs.id === id, timeoutMs, `reply to iq ${id}`);
  }

  /** The conference IQ lib-jitsi-meet sends to focus.DOMAIN. */
  conferenceIq(focus: string, roomJid: string, opts: { token?: string; machineUid?: string } = {}): Promise<Element> {
    const machineUid = opts.machineUid ?? randomBytes(8).toString("hex");
    const token = opts.token ? ` token="${esc(opts.token)}"` : "";
    return this.iq(
      `<conference xmlns="http://jitsi.org/protocol/focus" room="${esc(roomJid)}" machine-uid="${machineUid}"${token}>` +
        `<property name="rtcstatsEnabled" value="false"/></conference>`,
      focus,
    );
  }

  /** Joins a MUC room and returns the self-presence (status 110) or the error presence. */
  async joinMuc(roomJid: string, nick: string): Promise<Element> {
    const full = `${roomJid}/${nick}`;
    this.send(
      `<presence xmlns="jabber:client" to="${esc(full)}"><x xmlns="http://jabber.org/protocol/muc"/>` +
        `<nick xmlns="http://jabber.org/protocol/nick">${esc(nick)}</nick></presence>`,
    );
    return this.next(
      (el) =>
        el.name === "presence" &&
        el.attrs.from === full &&
        (el.attrs.type === "error" || hasStatus(el, "110")),
      20_000,
      `self-presence from ${full}`,
    );
  }

  /** Closes the stream and the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      this.send(`<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>`);
    } catch {
      /* socket already gone */
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, 1000);
      this.ws.once("close", () => {
        clearTimeout(t);
        resolve();
      });
      this.ws.close();
    });
  }
}

/** True when a MUC presence carries <status code="CODE"/>. */
export function hasStatus(presence: Element, code: string): boolean {
  const x = presence.getChild("x", "http://jabber.org/protocol/muc#user");
  return !!x && x.getChildren("status").some((s) => s.attrs.code === code);
}

/** Condition, text and application-specific children of an error stanza. */
export function stanzaError(el: Element): { type: string; condition: string; text: string; app: string[] } {
  const err = el.getChild("error");
  if (!err) return { type: "", condition: "", text: "", app: [] };
  const kids = err.children.filter((c): c is Element => typeof c !== "string");
  const stanzaNs = "urn:ietf:params:xml:ns:xmpp-stanzas";
  const condition = kids.find((k) => k.attrs.xmlns === stanzaNs && k.name !== "text")?.name ?? "";
  const text = kids.find((k) => k.name === "text")?.getText() ?? "";
  const app = kids.filter((k) => k.attrs.xmlns && k.attrs.xmlns !== stanzaNs).map((k) => k.name);
  return { type: String(err.attrs.type ?? ""), condition, text, app };
}

/** Escapes a string for an XML attribute or text node. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
