// A minimal XMPP-over-WebSocket client (RFC 7395) for the verifier: ANONYMOUS login, bind, IQ, MUC join.
import { randomBytes } from "node:crypto";
import { Element, parse } from "ltx";
import WebSocket from "ws";
import {
  NS,
  anonymousAuth,
  bareJid,
  bindIq,
  closeElement,
  conferenceIq,
  mucJoin,
  mucStatusCodes,
  offeredMechanisms,
  openElement,
  parseSaslFailure,
  parseStanzaError,
  parseStreamError,
  type SaslFailure,
  type StanzaError,
} from "./stanza.js";
import { VerifyError, openWebsocket, type SessionOptions, type VerifyErrorKind } from "./websocket.js";

/** Result of SASL ANONYMOUS. */
export type SaslResult = { ok: true } | { ok: false; failure: SaslFailure };

/** Result of a MUC join: the self-presence (status 110) or the error presence. */
export type JoinResult = { ok: true; statusCodes: string[] } | { ok: false; error: StanzaError };

/** Result of the conference request to focus. */
export type ConferenceResult =
  | { ok: true; ready: boolean; attrs: Record<string, string> }
  | { ok: false; error: StanzaError; from?: string };

interface Waiter {
  step: string;
  match: (el: Element) => boolean;
  resolve: (el: Element) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** One XMPP session over one websocket. */
export class XmppSession {
  /** Features of the current stream. */
  features: Element | undefined;
  /** Our full JID after bind. */
  jid: string | undefined;
  /** The <stream:error> the server sent, if any. */
  streamError: SaslFailure | undefined;
  private queue: Element[] = [];
  private waiters = new Set<Waiter>();
  private closedReason: string | undefined;
  private serverClosed = false;
  /** Set once the session is unusable (closed, stream error, broken framing): later waits fail at once. */
  private broken: { reason: string; kind: VerifyErrorKind } | undefined;
  private seq = 0;

  private constructor(
    private readonly ws: WebSocket,
    private readonly opts: SessionOptions,
  ) {
    ws.on("message", (data, isBinary) => this.onFrame(isBinary ? "" : data.toString()));
    ws.on("close", (code, reason) => {
      const why = reason.toString();
      this.fail(this.closedReason ?? `the server closed the websocket (code ${code}${why ? `, "${why}"` : ""})`, "closed");
    });
    ws.on("error", (err) => this.fail(`websocket error: ${err.message}`, "closed"));
  }

  /** Connect the websocket and open the stream; resolves once the server sent its stream features. */
  static async connect(opts: SessionOptions): Promise<XmppSession> {
    const ws = await openWebsocket(opts);
    const session = new XmppSession(ws, opts);
    try {
      await session.openStream("stream open");
    } catch (e) {
      // Prosody closes a stream it has no features for (no SASL mechanism, no TLS) with this stream error
      // (mod_c2s "No stream features to proceed with"): report it as "nothing offered".
      if (session.streamError?.text?.includes("No stream features")) {
        session.features = new Element("stream:features", { "xmlns:stream": NS.streams });
        return session;
      }
      session.terminate();
      throw e;
    }
    return session;
  }

  /** SASL mechanisms offered on this stream. */
  get mechanisms(): string[] {
    return this.features ? offeredMechanisms(this.features) : [];
  }

  /** SASL ANONYMOUS; the server's success or its <failure> (condition + text). */
  async authAnonymous(): Promise<SaslResult> {
    this.send(anonymousAuth());
    const reply = await this.waitFor("SASL ANONYMOUS", (el) => el.getNS() === NS.sasl && (el.is("success") || el.is("failure") || el.is("challenge")));
    if (reply.is("success")) return { ok: true };
    if (reply.is("challenge")) throw new VerifyError("SASL ANONYMOUS", "the server sent a SASL challenge to ANONYMOUS", "protocol");
    return { ok: false, failure: parseSaslFailure(reply) };
  }

  /** Restart the stream after SASL success and bind a resource; returns the full JID. */
  async bind(): Promise<string> {
    await this.openStream("stream restart");
    if (!this.features?.getChild("bind", NS.bind)) {
      throw new VerifyError("bind", "the server offered no resource binding after login", "protocol");
    }
    const reply = await this.iq(bindIq(this.nextId("bind")), "bind");
    const jid = reply.getChild("bind", NS.bind)?.getChildText("jid");
    if (reply.attrs.type !== "result" || !jid) {
      const err = parseStanzaError(reply);
      throw new VerifyError("bind", `resource binding failed${err ? `: ${err.condition}` : ""}`, "protocol");
    }
    this.jid = jid;
    return jid;
  }

  /** Send an IQ (its id must be set) and resolve with the server's result or error IQ. */
  async iq(iq: Element, step: string): Promise<Element> {
    const id = iq.attrs.id;
    if (!id) throw new Error("iq without id");
    this.send(iq);
    return this.waitFor(step, (el) => el.is("iq") && el.attrs.id === id && (el.attrs.type === "result" || el.attrs.type === "error"));
  }

  /** Ask focus.<domain> to create/allocate the conference, as lib-jitsi-meet does. */
  async conference(focus: string, roomJid: string, token?: string): Promise<ConferenceResult> {
    const machineUid = randomBytes(16).toString("hex");
    const reply = await this.iq(conferenceIq(this.nextId("conf"), focus, roomJid, machineUid, token), "conference IQ to " + focus);
    if (reply.attrs.type === "error") {
      return { ok: false, error: parseStanzaError(reply) ?? { condition: "undefined-condition" }, from: reply.attrs.from };
    }
    const conf = reply.getChild("conference", NS.focus);
    const attrs = { ...(conf?.attrs ?? {}) };
    delete attrs.xmlns;
    return { ok: true, ready: conf?.attrs.ready === "true", attrs };
  }

  /** Join a MUC room; resolves with the self-presence (status 110) or the error presence. */
  async joinMuc(roomJid: string, nick: string): Promise<JoinResult> {
    this.send(mucJoin(`${roomJid}/${nick}`, nick));
    const reply = await this.waitFor(
      "MUC join of " + roomJid,
      (el) =>
        el.is("presence") &&
        bareJid(el.attrs.from) === roomJid &&
        (el.attrs.type === "error" || mucStatusCodes(el).includes("110")),
    );
    if (reply.attrs.type === "error") return { ok: false, error: parseStanzaError(reply) ?? { condition: "undefined-condition" } };
    return { ok: true, statusCodes: mucStatusCodes(reply) };
  }

  /** Close the stream politely, then the websocket; never throws, never hangs. */
  async close(): Promise<void> {
    const ws = this.ws;
    if (ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
    if (ws.readyState === WebSocket.OPEN) {
      this.closedReason ??= "the verifier closed the session";
      try {
        if (!this.serverClosed) {
          ws.send(closeElement().toString());
          await Promise.race([this.waitFor("stream close", (el) => el.is("close"), Math.min(2000, this.opts.timeoutMs)).catch(() => undefined), closed]);
        }
      } catch {
        /* already closing */
      }
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
    }
    const timer = setTimeout(() => ws.terminate(), 1000);
    await closed;
    clearTimeout(timer);
  }

  /** Drop the connection without the closing handshake. */
  terminate(): void {
    this.closedReason ??= "the verifier closed the session";
    this.ws.terminate();
  }

  private async openStream(step: string): Promise<void> {
    this.features = undefined;
    this.send(openElement(this.opts.to));
    await this.waitFor(step, (el) => el.is("open") && el.getNS() === NS.framing);
    this.features = await this.waitFor(step + " (stream features)", (el) => el.getName() === "features" && el.getNS() === NS.streams);
  }

  private nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${this.seq}-${randomBytes(3).toString("hex")}`;
  }

  private send(el: Element): void {
    if (this.ws.readyState !== WebSocket.OPEN) {
      throw new VerifyError("send", this.closedReason ?? "the websocket is not open", "closed");
    }
    this.ws.send(el.toString());
  }

  private onFrame(text: string): void {
    let el: Element | null = null;
    try {
      el = parse(text);
    } catch {
      el = null;
    }
    if (!el) {
      this.fail(`the server sent a frame that is not one XML element (RFC 7395): ${JSON.stringify(text.slice(0, 80))}`, "protocol");
      return;
    }
    if (el.is("close") && el.getNS() === NS.framing) {
      this.serverClosed = true;
      this.closedReason ??= "the server closed the XMPP stream";
    }
    // Prosody 13 sends the stream error of a closing websocket session as a plain string, without declaring the
    // stream prefix (`<stream:error><host-unknown …/></stream:error>`): recognise it by its qualified name, as
    // the web client (Strophe) does.
    if ((el.getName() === "error" && el.getNS() === NS.streams) || el.name === "stream:error") {
      const e = parseStreamError(el);
      this.streamError = e;
      this.closedReason = `stream error from the server: ${e.condition}${e.text ? ` "${e.text}"` : ""}`;
      this.fail(this.closedReason, "closed");
      return;
    }
    if (el.is("iq") && (el.attrs.type === "get" || el.attrs.type === "set") && this.ws.readyState === WebSocket.OPEN) {
      this.answerUnsupported(el);
      return;
    }
    for (const w of this.waiters) {
      if (w.match(el)) {
        this.settle(w);
        w.resolve(el);
        return;
      }
    }
    this.queue.push(el);
    if (this.serverClosed) this.fail(this.closedReason!, "closed");
  }

  private answerUnsupported(iq: Element): void {
    const reply = new Element("iq", { xmlns: NS.client, type: "error", id: iq.attrs.id, to: iq.attrs.from });
    reply.c("error", { type: "cancel" }).c("service-unavailable", { xmlns: NS.stanzas });
    this.ws.send(reply.toString());
  }

  private waitFor(step: string, match: (el: Element) => boolean, timeoutMs = this.opts.timeoutMs): Promise<Element> {
    const idx = this.queue.findIndex(match);
    if (idx >= 0) return Promise.resolve(this.queue.splice(idx, 1)[0]!);
    if (this.broken) return Promise.reject(new VerifyError(step, `${this.broken.reason} (during ${step})`, this.broken.kind));
    if (this.ws.readyState !== WebSocket.OPEN || this.serverClosed) {
      return Promise.reject(new VerifyError(step, this.closedReason ?? "the websocket is closed", "closed"));
    }
    return new Promise<Element>((resolve, reject) => {
      const waiter: Waiter = {
        step,
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.settle(waiter);
          reject(new VerifyError(step, `timed out after ${formatSeconds(timeoutMs)} waiting for ${step}`, "timeout"));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private settle(w: Waiter): void {
    clearTimeout(w.timer);
    this.waiters.delete(w);
  }

  private fail(reason: string, kind: VerifyErrorKind): void {
    this.broken ??= { reason, kind };
    for (const w of [...this.waiters]) {
      this.settle(w);
      w.reject(new VerifyError(w.step, `${reason} (during ${w.step})`, kind));
    }
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

