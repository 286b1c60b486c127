// Stand-in for the Smack XMPP client connection jicofo and the videobridge keep (sandbox test infrastructure,
// shared by both stand-ins): TCP to hostname:port, STARTTLS (optionally without certificate verification), SASL
// SCRAM-SHA-1 or PLAIN as username@domain, resource bind, presence. Emits "stanza" (ltx Element) for every
// top-level element received after login. A failure's `phase` says where: "connect" (TCP, stream, TLS) or "login".
import { EventEmitter } from "node:events";
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { StreamParser } from "./stream-parser.mjs";
import { scramSha1 } from "./scram.mjs";

// Java trusts the system's CA store (on Arch, what update-ca-trust builds from /etc/ca-certificates and
// /usr/share/ca-certificates); so do the stand-ins, through the bundle it writes, instead of Node's own list.
const SYSTEM_CA = "/etc/ssl/certs/ca-certificates.crt";

/** The system CA bundle, or undefined (Node's built-in list) when there is none. */
function systemCa() {
  try {
    return readFileSync(SYSTEM_CA, "utf8");
  } catch {
    return undefined;
  }
}

/** Escapes text for XML attributes and text nodes. */
export function esc(s) {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** One client connection; login() resolves once bound and available. */
export class XmppClient extends EventEmitter {
  constructor(opts, log) {
    super();
    this.opts = opts;
    this.log = log;
    this.socket = null;
    this.parser = null;
    this.jid = null;
    this.pending = new Map();
    this.counter = 0;
  }

  /** Writes raw XML to the socket. */
  write(text) {
    if (this.socket && !this.socket.destroyed) this.socket.write(text);
  }

  /** Sends an Element or XML string. */
  send(stanza) {
    this.write(typeof stanza === "string" ? stanza : stanza.toString());
  }

  /** Sends an IQ and resolves with the result/error Element (rejects on timeout). */
  request(iq, timeoutMs = this.opts.replyTimeoutMs || 15000) {
    const id = iq.attrs.id || `jicofo-${++this.counter}`;
    iq.attrs.id = id;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`No response within ${timeoutMs} ms for iq ${id}`));
      }, timeoutMs);
      this.pending.set(id, (el) => {
        clearTimeout(t);
        resolve(el);
      });
      this.send(iq);
    });
  }

  /** Resolves with the next depth-1 element, during login. */
  nextElement() {
    return new Promise((resolve, reject) => {
      const onEl = (el) => {
        cleanup();
        resolve(el);
      };
      const onClose = () => {
        cleanup();
        reject(new Error("connection closed during login"));
      };
      const cleanup = () => {
        this.off("_element", onEl);
        this.off("_closed", onClose);
      };
      this.on("_element", onEl);
      this.on("_closed", onClose);
    });
  }

  /** Attaches a fresh stream parser to the current socket. */
  attachParser() {
    const parser = new StreamParser();
    this.parser = parser;
    parser.on("element", (el) => {
      if (this.parser !== parser) return;
      if (this.jid) this.dispatch(el);
      else this.emit("_element", el);
    });
    parser.on("error", (e) => this.fail(new Error(`XML parse error: ${e.message}`)));
    parser.on("close", () => this.fail(new Error("stream closed by server")));
  }

  /** Opens a stream to the login domain and returns its <stream:features>. */
  async openStream() {
    this.attachParser();
    const features = this.nextElement();
    this.write(`<?xml version='1.0'?><stream:stream to="${esc(this.opts.domain)}" version="1.0" xmlns="jabber:client" xmlns:stream="http://etherx.jabber.org/streams">`);
    const el = await features;
    if (el.name !== "stream:features") throw new Error(`expected stream features, got ${el.toString()}`);
    return el;
  }

  /** Handles an element after login: IQ replies, else emits "stanza". */
  dispatch(el) {
    if (el.name === "iq" && (el.attrs.type === "result" || el.attrs.type === "error")) {
      const cb = this.pending.get(el.attrs.id);
      if (cb) {
        this.pending.delete(el.attrs.id);
        cb(el);
        return;
      }
    }
    if (el.name === "stream:error") {
      this.fail(new Error(`stream error: ${el.toString()}`));
      return;
    }
    this.emit("stanza", el);
  }

  /** Closes the connection after a fatal problem and emits "disconnected". */
  fail(err) {
    if (this.failed) return;
    this.failed = true;
    this.emit("_closed");
    if (this.socket) this.socket.destroy();
    this.jid = null;
    this.emit("disconnected", err);
  }

  /** Connects, secures, authenticates, binds and sends presence. */
  async login() {
    return this.authenticate(await this.connect());
  }

  /** TCP (Smack's 30 s connect timeout), stream, STARTTLS when useTls is true or "ifpossible" and offered. */
  async connect() {
    try {
      return await this.connectInner();
    } catch (e) {
      e.phase = "connect";
      throw e;
    }
  }

  async connectInner() {
    const o = this.opts;
    this.socket = await new Promise((resolve, reject) => {
      const s = net.connect({ host: o.hostname, port: o.port }, () => {
        s.setTimeout(0);
        resolve(s);
      });
      s.setTimeout(o.connectTimeoutMs ?? 30000, () => {
        s.destroy();
        reject(Object.assign(new Error("Connect timed out"), { code: "ETIMEDOUT" }));
      });
      s.once("error", reject);
    });
    this.hookSocket();
    let features = await this.openStream();

    const offered = !!features.getChild("starttls", "urn:ietf:params:xml:ns:xmpp-tls");
    if (o.useTls === true || (o.useTls === "ifpossible" && offered)) {
      if (!offered) {
        throw new Error("server does not offer STARTTLS");
      }
      const proceed = this.nextElement();
      this.write(`<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"/>`);
      const p = await proceed;
      if (p.name !== "proceed") throw new Error(`STARTTLS refused: ${p.toString()}`);
      const plain = this.socket;
      plain.removeAllListeners("data");
      this.socket = await new Promise((resolve, reject) => {
        const s = tls.connect({
          socket: plain,
          servername: o.domain,
          rejectUnauthorized: !o.disableCertificateVerification,
          ca: o.disableCertificateVerification ? undefined : systemCa(),
        }, () => resolve(s));
        s.once("error", reject);
      });
      this.hookSocket();
      features = await this.openStream();
    }
    return features;
  }

  /** SASL (SCRAM-SHA-1, else PLAIN), resource bind, initial presence; resolves with the bound JID. */
  async authenticate(features) {
    try {
      return await this.authenticateInner(features);
    } catch (e) {
      e.phase = "login";
      throw e;
    }
  }

  async authenticateInner(features) {
    const o = this.opts;
    const mechs = (features.getChild("mechanisms", "urn:ietf:params:xml:ns:xmpp-sasl")?.getChildren("mechanism") ?? []).map((m) => m.getText());
    let reply;
    if (mechs.includes("SCRAM-SHA-1")) {
      const scram = scramSha1(o.username, o.password);
      let next = this.nextElement();
      this.write(`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="SCRAM-SHA-1">${scram.first()}</auth>`);
      reply = await next;
      if (reply.name === "challenge") {
        next = this.nextElement();
        this.write(`<response xmlns="urn:ietf:params:xml:ns:xmpp-sasl">${scram.challenge(reply.getText())}</response>`);
        reply = await next;
        if (reply.name === "success" && !scram.verify(reply.getText())) throw new Error("SCRAM: bad server signature");
      }
    } else if (mechs.includes("PLAIN")) {
      const next = this.nextElement();
      const blob = Buffer.from(`\0${o.username}\0${o.password}`).toString("base64");
      this.write(`<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">${blob}</auth>`);
      reply = await next;
    } else {
      throw new Error(`no supported SASL mechanism offered (${mechs.join(",") || "none"})`);
    }
    if (reply.name !== "success") {
      const cond = reply.children.find((c) => typeof c !== "string" && c.name !== "text");
      throw new Error(`SASLError using ${mechs.includes("SCRAM-SHA-1") ? "SCRAM-SHA-1" : "PLAIN"}: ${cond ? cond.name : reply.toString()}`);
    }

    await this.openStream();
    const bindReply = this.nextElement();
    // The server assigns the resource (as Smack does when none is configured). A fixed resource would let the
    // previous connection's late "unavailable" (after a restart) remove the new session from client_proxy.
    this.write(`<iq type="set" id="bind_1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>`);
    const bound = await bindReply;
    const jid = bound.getChild("bind")?.getChildText("jid");
    if (bound.attrs.type !== "result" || !jid) throw new Error(`resource bind failed: ${bound.toString()}`);
    this.jid = jid;
    this.write(`<presence/>`);
    return jid;
  }

  /** Feeds socket data to the current parser and reports closes. */
  hookSocket() {
    const s = this.socket;
    s.on("data", (d) => this.parser && this.parser.write(d));
    s.on("error", (e) => this.fail(e));
    s.on("close", () => this.fail(new Error("connection closed")));
  }

  /** Ends the stream and the socket. */
  close() {
    this.write("</stream:stream>");
    if (this.socket) this.socket.end();
  }
}
