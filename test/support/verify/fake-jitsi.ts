// Test helper: an in-process websocket server that behaves like Prosody + jicofo for the verifier, with knobs for misconfigurations.
import { createHmac, randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Element, parse } from "ltx";
import { WebSocketServer, type WebSocket } from "ws";
import { NS, bareJid } from "../../../src/verify/stanza.js";

export interface FakeJitsiOptions {
  domain: string;
  guestDomain: string;
  secret: string;
  /** Answer the upgrade with this HTTP status instead. */
  httpStatus?: number;
  /** Mechanisms offered on the main domain (default ANONYMOUS). */
  mechanismsMain?: string[];
  /** Offer no mechanism at all to clients without a valid token (the sandbox stand-in's way of refusing). */
  hideMechanismsWithoutValidToken?: boolean;
  mechanismsGuest?: string[];
  allowEmptyToken?: boolean;
  guestsCanCreate?: boolean;
  /** token_verification loaded (default true). */
  tokenVerification?: boolean;
  /** enable_domain_verification = true: guests refused with room-name-does-not-match. */
  guestsRefusedAtJoin?: boolean;
  focusUnavailable?: boolean;
  /** Answer service-unavailable to the first N conference requests (jicofo still connecting). */
  focusUnavailableFor?: number;
  /** Never answer this step. */
  silentOn?: "open" | "sasl" | "conference" | "join";
  /** Send this raw frame instead of the stream features. */
  garbageFrame?: string;
  /** Refuse every login on the main domain without a valid token (none, bad signature, expired) with this text instead of the real reason. */
  refuseInvalidTokensWith?: string;
  /** Refuse a token for another room with this error instead of not-allowed / room-mismatch. */
  roomMismatchRefusal?: { condition: string; app?: string; text: string };
  /** Refuse a guest asking for a new room with this condition instead of not-authorized. */
  guestRefusalCondition?: string;
}

export interface SeenRequest {
  /** When the upgrade request arrived (Date.now()). */
  at: number;
  url: string;
  headers: IncomingMessage["headers"];
}

interface Session {
  ws: WebSocket;
  to?: string;
  authed: boolean;
  jid?: string;
  tokenRoom?: string;
  tokenValid: boolean;
  tokenError?: string;
  rawToken?: string;
  joined: Set<string>;
}

/** A scripted Jitsi-like XMPP websocket endpoint; `url` is its base (ws://127.0.0.1:PORT). */
export class FakeJitsi {
  readonly requests: SeenRequest[] = [];
  /** room bare JID → occupant full JIDs (room JID/nick → session) */
  readonly rooms = new Map<string, Map<string, Session>>();
  readonly sessions = new Set<Session>();
  private wss!: WebSocketServer;
  url = "";

  constructor(private readonly o: FakeJitsiOptions) {}

  /** Start listening on 127.0.0.1:0. */
  async start(): Promise<this> {
    this.wss = new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      handleProtocols: (protocols) => (protocols.has("xmpp") ? "xmpp" : false),
      verifyClient: (info, cb) => {
        this.requests.push({ at: Date.now(), url: info.req.url ?? "", headers: info.req.headers });
        if (this.o.httpStatus) cb(false, this.o.httpStatus);
        else cb(true);
      },
    });
    await new Promise<void>((r) => this.wss.once("listening", () => r()));
    this.url = `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
    this.wss.on("connection", (ws, req) => this.onConnection(ws, req));
    return this;
  }

  /** Open websocket connections right now. */
  get openConnections(): number {
    return this.wss.clients.size;
  }

  /** Stop the server and drop clients. */
  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? "/", "http://x");
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const token = url.searchParams.get("token") ?? bearer ?? undefined;
    const s: Session = { ws, authed: false, tokenValid: false, joined: new Set(), rawToken: token };
    if (token) this.checkToken(s, token);
    this.sessions.add(s);
    ws.on("message", (data) => {
      const el = parse(data.toString());
      if (el) this.onElement(s, el);
    });
    ws.on("close", () => this.leaveAll(s));
  }

  private checkToken(s: Session, token: string): void {
    const [h, p, sig] = token.split(".");
    if (!h || !p || !sig) return void (s.tokenError = "bad token format");
    const expected = createHmac("sha256", this.o.secret).update(`${h}.${p}`).digest("base64url");
    if (expected !== sig) return void (s.tokenError = "Invalid signature");
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { typ?: string };
    if (header.typ !== "JWT") return void (s.tokenError = "Invalid typ");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as { exp: number; room: string };
    const now = Math.floor(Date.now() / 1000);
    if (now >= claims.exp) return void (s.tokenError = `Not acceptable by exp (${now - claims.exp} sec since expired)`);
    s.tokenValid = true;
    s.tokenRoom = claims.room;
  }

  private send(s: Session, el: Element | string): void {
    if (s.ws.readyState === s.ws.OPEN) s.ws.send(el.toString());
  }

  private onElement(s: Session, el: Element): void {
    const o = this.o;
    if (el.is("open")) {
      if (o.silentOn === "open") return;
      s.to = el.attrs.to;
      this.send(s, new Element("open", { xmlns: NS.framing, from: s.to, id: randomUUID(), version: "1.0" }));
      if (o.garbageFrame) return this.send(s, o.garbageFrame);
      const features = new Element("stream:features", { "xmlns:stream": NS.streams });
      if (!s.authed) {
        let mechs = s.to === o.guestDomain ? (o.mechanismsGuest ?? ["ANONYMOUS"]) : (o.mechanismsMain ?? ["ANONYMOUS"]);
        if (s.to === o.domain && o.hideMechanismsWithoutValidToken && !s.tokenValid) mechs = [];
        if (mechs.length) {
          const m = features.c("mechanisms", { xmlns: NS.sasl });
          for (const name of mechs) m.c("mechanism").t(name);
        }
      } else {
        features.c("bind", { xmlns: NS.bind });
      }
      if (features.children.length === 0) {
        // What Prosody's mod_c2s does when it has nothing to offer.
        const e = new Element("stream:error", { "xmlns:stream": NS.streams });
        e.c("undefined-condition", { xmlns: NS.streamErrors });
        e.c("text", { xmlns: NS.streamErrors }).t("No stream features to proceed with");
        this.send(s, e);
        this.send(s, new Element("close", { xmlns: NS.framing }));
        s.ws.close();
        return;
      }
      return this.send(s, features);
    }
    if (el.is("close")) {
      this.send(s, new Element("close", { xmlns: NS.framing }));
      s.ws.close();
      return;
    }
    if (el.is("auth")) {
      if (o.silentOn === "sasl") return;
      let failure: string | undefined;
      if (s.to === o.domain) {
        if (!s.rawToken) failure = o.allowEmptyToken ? undefined : "token required";
        else if (!s.tokenValid) failure = s.tokenError;
        if (failure && o.refuseInvalidTokensWith) failure = o.refuseInvalidTokensWith;
      }
      if (failure) {
        const f = new Element("failure", { xmlns: NS.sasl });
        f.c("not-allowed");
        f.c("text").t(failure);
        return this.send(s, f);
      }
      s.authed = true;
      return this.send(s, new Element("success", { xmlns: NS.sasl }));
    }
    if (el.is("iq") && el.getChild("bind", NS.bind)) {
      s.jid = `${randomUUID()}@${s.to}/res-${randomUUID().slice(0, 4)}`;
      const r = new Element("iq", { xmlns: NS.client, type: "result", id: el.attrs.id });
      r.c("bind", { xmlns: NS.bind }).c("jid").t(s.jid);
      return this.send(s, r);
    }
    const conf = el.is("iq") ? el.getChild("conference", NS.focus) : undefined;
    if (conf) return this.onConference(s, el, conf);
    if (el.is("presence") && el.attrs.to) return this.onPresence(s, el);
  }

  private onConference(s: Session, iq: Element, conf: Element): void {
    const o = this.o;
    if (o.silentOn === "conference") return;
    const fail = (cond: string, text?: string, type = "cancel") => {
      const r = new Element("iq", { xmlns: NS.client, type: "error", id: iq.attrs.id, from: iq.attrs.to });
      const e = r.c("error", { type });
      e.c(cond, { xmlns: NS.stanzas });
      if (text) e.c("text", { xmlns: NS.stanzas }).t(text);
      this.send(s, r);
    };
    if (iq.attrs.to !== `focus.${o.domain}`) return fail("remote-server-not-found");
    if (o.focusUnavailable) return fail("service-unavailable");
    if ((o.focusUnavailableFor ?? 0) > 0) {
      o.focusUnavailableFor! -= 1;
      return fail("service-unavailable");
    }
    const room = conf.attrs.room ?? "";
    if (!conf.attrs["machine-uid"]) return fail("not-acceptable", "Missing mandatory attribute 'machine-uid'", "modify");
    if (!this.rooms.has(room)) {
      const authenticated = bareJid(s.jid).endsWith(`@${o.domain}`);
      if (!authenticated && !o.guestsCanCreate) return fail(o.guestRefusalCondition ?? "not-authorized", "not authorized user domain", "auth");
      this.rooms.set(room, new Map([["focus", s]]));
    }
    const r = new Element("iq", { xmlns: NS.client, type: "result", id: iq.attrs.id, from: iq.attrs.to });
    r.c("conference", { xmlns: NS.focus, room, ready: "true", focusjid: `focus@auth.${o.domain}` });
    this.send(s, r);
  }

  private onPresence(s: Session, p: Element): void {
    const o = this.o;
    if (o.silentOn === "join") return;
    const to = p.attrs.to!;
    const roomJid = bareJid(to);
    const room = roomJid.split("@")[0];
    const occupants = this.rooms.get(roomJid);
    const refuse = (cond: string, app: string | undefined, text: string) => {
      const r = new Element("presence", { xmlns: NS.client, type: "error", from: to });
      const e = r.c("error", { type: "cancel" });
      e.c(cond, { xmlns: NS.stanzas });
      e.c("text", { xmlns: NS.stanzas }).t(text);
      if (app) e.c(app, { xmlns: NS.jitmeet });
      this.send(s, r);
    };
    if (!occupants) return refuse("not-allowed", "room-does-not-exist", "Room does not exist");
    const guest = s.to === o.guestDomain;
    if (guest && o.guestsRefusedAtJoin) return refuse("not-allowed", "room-name-does-not-match", "Room and token mismatched");
    if (!guest && (o.tokenVerification ?? true) && s.tokenRoom !== "*" && s.tokenRoom !== room) {
      const r = o.roomMismatchRefusal;
      return r ? refuse(r.condition, r.app, r.text) : refuse("not-allowed", "room-mismatch", "Room and token mismatched");
    }
    // Existing occupants first (focus), then the self-presence with status 110 (XEP-0045).
    const other = new Element("presence", { xmlns: NS.client, from: `${roomJid}/focus` });
    other.c("x", { xmlns: NS.mucUser }).c("item", { affiliation: "owner", role: "moderator" });
    this.send(s, other);
    occupants.set(to, s);
    s.joined.add(roomJid);
    const self = new Element("presence", { xmlns: NS.client, from: to });
    const x = self.c("x", { xmlns: NS.mucUser });
    x.c("item", { affiliation: "none", role: "participant" });
    x.c("status", { code: "110" });
    this.send(s, self);
  }

  private leaveAll(s: Session): void {
    this.sessions.delete(s);
    for (const [jid, occ] of this.rooms) {
      for (const [k, v] of occ) if (v === s) occ.delete(k);
      if (occ.size === 0 || (occ.size === 1 && occ.has("focus"))) this.rooms.delete(jid);
    }
  }
}
