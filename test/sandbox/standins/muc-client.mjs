// jicoco's MucClient as the videobridge stand-in needs it (sandbox test infrastructure; upstream
// jicoco-mucclient/src/main/java/org/jitsi/xmpp/mucclient/MucClient.java, facts in docs/jitsi.md "Bridges on their
// own hosts"): connect and log in, retried every 5 s (every second after a refused login), join each MUC with the
// nickname (a refused join is logged once and not retried), presence extensions re-sent on request, IQs from the
// MUC answered, reconnection every second after a lost connection. Log lines carry jicoco's texts.
import { Element } from "ltx";
import { jitsiLogger } from "./jitsi-log.mjs";
import { XmppClient, esc } from "./xmpp-client.mjs";
import { javaString } from "./hocon.mjs";
import { connectException, loginException, joinException } from "./smack-errors.mjs";

const MUC_NS = "http://jabber.org/protocol/muc";
const MUC_USER_NS = "http://jabber.org/protocol/muc#user";
const STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const CONNECT_RETRY_MS = 5000; // SimpleRetryTask(0, 5000, true, …)
const CLOSED_RETRY_MS = 1000; // SimpleRetryTask(0, 1000, true, …) after connectionClosed
const RECONNECT_MS = 1000; // ReconnectionManager.setDefaultFixedDelay(1)

/** A MucClientConfiguration from `configs.<id>`: every value as unwrapped().toString(), MUC_JIDS split on ",". */
export function mucClientConfig(id, props) {
  const s = (k) => (props[k] === undefined || props[k] === null ? undefined : javaString(props[k]));
  const hostname = s("HOSTNAME");
  const c = {
    id, hostname, port: s("PORT"), domain: s("DOMAIN") ?? hostname, username: s("USERNAME"), password: s("PASSWORD"),
    mucJids: s("MUC_JIDS")?.split(","), mucNickname: s("MUC_NICKNAME"),
    disableCertificateVerification: s("DISABLE_CERTIFICATE_VERIFICATION") === "true", securityMode: s("SECURITY_MODE"),
  };
  c.complete = !!(c.hostname && c.username && c.password !== undefined && c.mucJids && c.mucNickname);
  return c;
}

/** MucClientConfiguration.toString (never the password). */
export function describeConfig(c) {
  return `[ org.jitsi.xmpp.mucclient.MucClientConfiguration id=${c.id} domain=${c.domain} hostname=${c.hostname} port=${c.port} ` +
    `username=${c.username} mucs=${c.mucJids ? `[${c.mucJids.join(", ")}]` : "null"} mucNickname=${c.mucNickname} ` +
    `disableCertificateVerification=${c.disableCertificateVerification}]`;
}

/** One XMPP user connection and its MUCs, like jicoco's MucClient. */
export class MucClient {
  /**
   * opts: program ("JVB"), features (disco#info), iqHandlers { "<element> <ns>": (iq) => reply XML | null },
   * write (log sink).
   */
  constructor(config, opts = {}) {
    this.config = config;
    this.opts = opts;
    const program = opts.program ?? "JVB";
    this.log = jitsiLogger(program, "MucClient", { hostname: config.hostname, id: config.id }, opts.write);
    this.listenerLog = jitsiLogger(program, "MucClient$1", { hostname: config.hostname, id: config.id }, opts.write);
    this.classLog = jitsiLogger(program, "MucClient", {}, opts.write);
    this.client = null;
    this.mucs = new Map(); // muc JID -> { joined, lastPresence }
    this.extensions = "";
    this.stopped = false;
    this.timer = null;
  }

  /** initializeConnectAndJoin: validate, then the connect-and-login job at once and every 5 s. */
  start() {
    const c = this.config;
    this.log.info("initializeConnectAndJoin", `Initializing a new MucClient for ${describeConfig(c)}`);
    if (!c.complete) {
      this.log.error("lambda$start$0", "Failed to initialize and start a MucClient: ",
        { javaClass: "java.lang.IllegalArgumentException", message: "incomplete configuration" });
      return;
    }
    if (c.disableCertificateVerification) this.classLog.warn("createXMPPTCPConnectionConfiguration", "Disabling certificate verification!");
    this.log.info("initializeConnectAndJoin", "Dispatching a thread to connect and login.");
    this.schedule(0, CONNECT_RETRY_MS);
  }

  /** RetryStrategy.runRetryingTask: run the job after `delay`, then every `every` ms while it asks to retry. */
  schedule(delay, every) {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      const again = await this.connectAndLogin();
      if (again === "rearmed" || this.stopped) return;
      if (again) this.schedule(every, every);
    }, delay);
  }

  /**
   * getConnectAndLoginCallable: true = retry later, "rearmed" = the close re-armed the job, false = done. With
   * reconnecting, a failure is Smack's ReconnectionManager's: "Reconnection failed: " and true (try again).
   */
  async connectAndLogin(reconnecting = false) {
    if (this.stopped) return false;
    const c = this.config;
    // SECURITY_MODE unset: STARTTLS required, except on loopback names (createXMPPTCPConnectionConfiguration).
    const mode = c.securityMode ?? (["localhost", "127.0.0.1", "::1"].includes(c.hostname) ? "ifpossible" : "required");
    const client = new XmppClient({
      hostname: c.hostname, port: Number(c.port ?? 5222), domain: c.domain, username: c.username, password: c.password,
      useTls: mode === "disabled" ? false : mode === "required" ? true : "ifpossible",
      disableCertificateVerification: c.disableCertificateVerification, replyTimeoutMs: 15000,
    }, this.log);
    this.client = client;
    let features;
    try {
      features = await client.connect();
    } catch (e) {
      client.fail(e);
      if (reconnecting) this.log.warn("reconnectionFailed", "Reconnection failed: ", connectException(e, c));
      else this.log.warn("lambda$getConnectAndLoginCallable$7", "Error connecting:", connectException(e, c));
      return true;
    }
    const sm = !!features.getChild("sm", "urn:xmpp:sm:3");
    this.listenerLog.info("connected", `Connected. isSmEnabled:false isSmAvailable:${sm} isSmResumptionPossible:false`);
    this.log.info("lambda$getConnectAndLoginCallable$7", "Logging in.");
    try {
      await client.authenticate(features);
    } catch (e) {
      if (reconnecting) {
        this.log.warn("reconnectionFailed", "Reconnection failed: ", loginException(e));
        client.removeAllListeners("disconnected");
        client.fail(e);
        return true;
      }
      this.log.warn("lambda$getConnectAndLoginCallable$7", "Failed to login. Disconnecting to trigger a re-connect.", loginException(e));
      client.removeAllListeners("disconnected");
      client.close();
      client.fail(e);
      this.listenerLog.info("connectionClosed", "Closed.");
      if (!this.stopped) this.schedule(0, CLOSED_RETRY_MS);
      return "rearmed";
    }
    client.on("disconnected", (err) => this.lost(client, err));
    client.on("stanza", (el) => this.onStanza(el));
    this.listenerLog.info("authenticated", "Authenticated, resumed=false");
    try {
      await this.joinMucs();
    } catch (e) {
      this.listenerLog.warn("authenticated", "Failed to join the MUCs.", e);
    }
    return false;
  }

  /** connectionClosedOnError, then Smack's ReconnectionManager: a new attempt every second until one succeeds. */
  lost(client, err) {
    if (this.stopped || client !== this.client) return;
    for (const m of this.mucs.values()) m.joined = false;
    this.listenerLog.warn("connectionClosedOnError", "Closed on error:", { javaClass: "java.io.IOException", message: err?.message ?? "connection lost" });
    const retry = () => {
      if (this.stopped) return;
      this.timer = setTimeout(async () => {
        // timeDelay() 1: after a second reconnectingIn(0) from the countdown, then once more before the attempt.
        this.log.info("reconnectingIn", "Reconnecting in 0");
        this.log.info("reconnectingIn", "Reconnecting in 0");
        const again = await this.connectAndLogin(true);
        if (again === true) retry();
      }, RECONNECT_MS);
    };
    retry();
  }

  /** joinMucs: each MUC of MUC_JIDS in turn; the first refusal ends the loop (thrown to the caller). */
  async joinMucs() {
    for (const mucJid of this.config.mucJids) await this.join(mucJid.trim());
  }

  /** MucWrapper.join: createOrJoin with the nickname; a new room is made non-anonymous. */
  async join(configured) {
    // JidCreate.entityBareFrom: jxmpp's stringprep lower-cases the JID, so do the join and the log line.
    const mucJid = configured.toLowerCase();
    const key = mucJid;
    const nick = this.config.mucNickname;
    const occupant = `${mucJid}/${nick}`;
    const state = { joined: false, lastPresence: `<presence to="${esc(occupant)}"/>` };
    this.mucs.set(key, state);
    const reply = await new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.client.off("stanza", on);
        reject({ javaClass: "org.jivesoftware.smack.SmackException$NoResponseException", message: `No response received within reply timeout. Timeout was 15000ms (~15s).` });
      }, 15000);
      const on = (el) => {
        if (el.name !== "presence" || (el.attrs.from ?? "").toLowerCase() !== occupant.toLowerCase()) return;
        const self = el.getChild("x", MUC_USER_NS)?.getChildren("status").some((s) => s.attrs.code === "110");
        if (el.attrs.type !== "error" && !self) return;
        clearTimeout(t);
        this.client.off("stanza", on);
        resolve(el);
      };
      this.client.on("stanza", on);
      this.client.send(`<presence to="${esc(occupant)}"><x xmlns="${MUC_NS}"/></presence>`);
    });
    if (reply.attrs.type === "error") throw joinException(reply);
    const created = reply.getChild("x", MUC_USER_NS)?.getChildren("status").some((s) => s.attrs.code === "201");
    if (created) {
      const form = new Element("iq", { type: "set", to: mucJid })
        .c("query", { xmlns: "http://jabber.org/protocol/muc#owner" }).c("x", { xmlns: "jabber:x:data", type: "submit" })
        .c("field", { var: "FORM_TYPE" }).c("value").t("http://jabber.org/protocol/muc#roomconfig").up().up()
        .c("field", { var: "muc#roomconfig_whois" }).c("value").t("anyone").root();
      await this.client.request(form).catch(() => undefined);
    }
    state.joined = true;
    this.log.info("join", `Joined MUC: ${mucJid}`);
    this.sendPresence(state);
  }

  /** setPresenceExtensions: the last presence to each MUC, with these extensions, sent again. */
  setPresenceExtensions(xml) {
    this.extensions = xml;
    if (!this.client || !this.client.jid) {
      this.log.warn("setPresenceExtensions", "Cannot set presence extension: not connected.");
      return;
    }
    for (const state of this.mucs.values()) this.sendPresence(state);
  }

  /** Sends one MUC's last presence with the current extensions (also after a refused join, as jicoco does). */
  sendPresence(state) {
    if (!this.client || !this.client.jid) return;
    this.client.send(state.lastPresence.replace(/\/>$/, `>${this.extensions}</presence>`));
  }

  /** IQ requests: ping and disco#info as Smack answers them; registered IQs only from one of our MUCs. */
  onStanza(el) {
    if (el.name === "presence") {
      const from = (el.attrs.from ?? "").toLowerCase();
      const muc = this.mucs.get(from.split("/")[0]);
      if (muc && el.attrs.type === "unavailable" && from.endsWith(`/${this.config.mucNickname.toLowerCase()}`)) muc.joined = false;
      return;
    }
    if (el.name !== "iq" || (el.attrs.type !== "get" && el.attrs.type !== "set")) return;
    const child = el.children.find((c) => typeof c !== "string");
    const result = (inner = "") => `<iq type="result" id="${esc(el.attrs.id ?? "")}" to="${esc(el.attrs.from ?? "")}">${inner}</iq>`;
    const error = (type, cond) => `<iq type="error" id="${esc(el.attrs.id ?? "")}" to="${esc(el.attrs.from ?? "")}"><error type="${type}"><${cond} xmlns="${STANZAS_NS}"/></error></iq>`;
    if (!child) return this.client.send(error("modify", "bad-request"));
    const ns = child.attrs.xmlns;
    if (child.name === "ping" && ns === "urn:xmpp:ping") return this.client.send(result());
    if (child.name === "query" && ns === "http://jabber.org/protocol/disco#info") {
      const feats = ["http://jabber.org/protocol/disco#info", "urn:xmpp:ping", ...(this.opts.features ?? [])];
      return this.client.send(result(`<query xmlns="${ns}"><identity category="client" type="pc" name="Smack"/>${feats.map((f) => `<feature var="${esc(f)}"/>`).join("")}</query>`));
    }
    const handler = this.opts.iqHandlers?.[`${child.name} ${ns}`];
    if (!handler) return this.client.send(error("cancel", "feature-not-implemented"));
    const fromBare = (el.attrs.from ?? "").split("/")[0].toLowerCase();
    if (!this.config.mucJids.some((m) => m.trim().toLowerCase() === fromBare)) {
      this.log.warn("handleIq", `Received an IQ from a non-MUC member: ${fromBare}`);
      return this.client.send(error("auth", "forbidden"));
    }
    this.client.send(handler(el) ?? error("wait", "internal-server-error"));
  }

  /** stop: cancel the job, leave the MUCs, disconnect. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.client && this.client.jid) {
      for (const [jid] of this.mucs) this.client.send(`<presence type="unavailable" to="${esc(`${jid}/${this.config.mucNickname}`)}"/>`);
      this.client.close();
    }
  }
}
