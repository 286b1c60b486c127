// Stand-in for jitsi/jicofo's ConferenceIqHandler, XMPPDomainAuthAuthority / ExternalJWTAuthority
// and the conference lifecycle of FocusManager / JitsiMeetConferenceImpl (sandbox test
// infrastructure; behaviour per docs/jitsi.md §2.3).
import { randomBytes, randomUUID } from "node:crypto";
import { Element } from "ltx";
import { createLogger } from "./log.mjs";
import { STANDINS } from "./standins.mjs";

const { esc } = await import(new URL("xmpp-client.mjs", STANDINS).href);

const FOCUS_NS = "http://jitsi.org/protocol/focus";
const MUC_USER_NS = "http://jabber.org/protocol/muc#user";
const STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";

/** Splits a JID into local, domain, resource. */
export function splitJid(jid) {
  const s = String(jid || "");
  const slash = s.indexOf("/");
  const bare = slash >= 0 ? s.slice(0, slash) : s;
  const resource = slash >= 0 ? s.slice(slash + 1) : undefined;
  const at = bare.indexOf("@");
  return { local: at >= 0 ? bare.slice(0, at) : undefined, domain: at >= 0 ? bare.slice(at + 1) : bare, resource, bare };
}

/** The original sender of an IQ relayed by mod_client_proxy (focus.DOMAIN/<full jid>), else from. */
export function parseJidFromClientProxyJid(clientProxy, from) {
  const j = splitJid(from);
  if (clientProxy && j.local === undefined && j.domain === clientProxy && j.resource) {
    return j.resource;
  }
  return from;
}

/** An IQ error reply as Smack builds it: condition, optional text, optional extra children. */
export function errorReply(iq, type, condition, text, extra = "") {
  const t = text ? `<text xmlns="${STANZAS_NS}">${esc(text)}</text>` : "";
  return `<iq type="error" id="${esc(iq.attrs.id ?? "")}" to="${esc(iq.attrs.from ?? "")}"${iq.attrs.to ? ` from="${esc(iq.attrs.to)}"` : ""}>` +
    `<error type="${type}"><${condition} xmlns="${STANZAS_NS}"/>${t}${extra}</error></iq>`;
}

/** Authentication sessions of XMPPDomainAuthAuthority (identity = bare JID on the login domain). */
export class DomainAuthAuthority {
  constructor(loginDomain, external) {
    this.loginDomain = loginDomain;
    this.external = external;
    this.sessions = new Map(); // session-id -> { identity, machineUid }
  }

  /** Returns an error reply string, or null after filling the response attributes. */
  process(query, fromJid, iq, response) {
    const sessionId = query.attrs["session-id"];
    const machineUid = query.attrs["machine-uid"];
    if (sessionId && !this.sessions.has(sessionId)) {
      return errorReply(iq, "cancel", "not-acceptable", undefined, `<session-invalid xmlns="${FOCUS_NS}"/>`);
    }
    const j = splitJid(fromJid);
    if (j.domain.toLowerCase() === this.loginDomain) {
      if (!machineUid) {
        return errorReply(iq, "modify", "not-acceptable", "Missing mandatory attribute 'machine-uid'");
      }
      let id = sessionId;
      if (!id) {
        id = [...this.sessions].find(([, s]) => s.identity === j.bare && s.machineUid === machineUid)?.[0] ?? randomUUID();
        this.sessions.set(id, { identity: j.bare, machineUid });
      }
      response.identity = this.sessions.get(id).identity;
      response.sessionId = id;
    } else if (sessionId) {
      const s = this.sessions.get(sessionId);
      response.identity = s.identity;
      response.sessionId = sessionId;
    }
    return null;
  }

  /** The authenticated identity of a JID, or null. */
  identityOf(fromJid) {
    const j = splitJid(fromJid);
    for (const s of this.sessions.values()) if (s.identity === j.bare) return s.identity;
    return null;
  }
}

/** Holds the conferences (MUC rooms jicofo sits in) and answers conference IQs. */
export class Focus {
  constructor(client, settings) {
    this.client = client;
    this.settings = settings;
    this.log = createLogger("ConferenceIqHandler");
    this.confLog = createLogger("JitsiMeetConferenceImpl");
    this.conferences = new Map(); // room bare jid -> conference
    const t = settings.auth.type;
    this.auth = t === "NONE" ? null : new DomainAuthAuthority(settings.auth.loginDomain, t === "JWT");
    this.focusJid = `${settings.client.username}@${settings.client.domain}`;
  }

  /** Routes one stanza from the server. */
  onStanza(el) {
    if (el.name === "iq") {
      const conf = el.getChild("conference", FOCUS_NS);
      if (conf && el.attrs.type === "set") {
        this.handleConferenceIq(el, conf).catch((e) => this.log.error("handleIQRequest", `Failed to handle conference IQ: ${e.stack || e}`));
      } else if (el.getChild("ping", "urn:xmpp:ping") && el.attrs.type === "get") {
        this.client.send(`<iq type="result" id="${esc(el.attrs.id ?? "")}" to="${esc(el.attrs.from ?? "")}"/>`);
      } else if (el.attrs.type === "get" || el.attrs.type === "set") {
        this.client.send(errorReply(el, "cancel", "service-unavailable"));
      }
    } else if (el.name === "presence") {
      this.onPresence(el);
    }
  }

  /** ConferenceIqHandler.handleConferenceIq: validation, authentication, room creation. */
  async handleConferenceIq(iq, query) {
    const originalFrom = iq.attrs.from;
    const from = parseJidFromClientProxyJid(this.settings.client.clientProxy, originalFrom);
    const roomAttr = query.attrs.room;
    if (!roomAttr) {
      this.client.send(errorReply(iq, "modify", "bad-request", "No 'room' specified."));
      return;
    }
    const room = roomAttr.toLowerCase();
    this.log.info("handleConferenceIq", `Conference request for room ${room}, from ${from}`);
    const roomExists = this.conferences.has(room);
    const response = {};
    if (this.auth) {
      const err = this.auth.process(query, from, iq, response);
      if (err) {
        this.client.send(err);
        return;
      }
      if (!roomExists && this.auth.identityOf(from) === null) {
        this.log.info("processExtensions", `Not authorized user domain for ${from}, room ${room} does not exist`);
        this.client.send(errorReply(iq, "auth", "not-authorized", "not authorized user domain"));
        return;
      }
    }

    let ready = false;
    try {
      ready = await this.conferenceRequest(room);
    } catch (e) {
      this.confLog.error("start", `Failed to start conference ${room}: ${e.message}`);
    }

    const props = this.auth
      ? `<property name="authentication" value="true"/><property name="externalAuth" value="${this.auth.external}"/>`
      : `<property name="authentication" value="false"/>`;
    const ident = response.identity ? ` identity="${esc(response.identity)}"` : "";
    const sid = response.sessionId ? ` session-id="${esc(response.sessionId)}"` : "";
    this.client.send(
      `<iq type="result" id="${esc(iq.attrs.id ?? "")}" to="${esc(originalFrom)}" from="${esc(iq.attrs.to ?? "")}">` +
        `<conference xmlns="${FOCUS_NS}" room="${esc(roomAttr)}" ready="${ready}" focusjid="${esc(this.focusJid)}"${ident}${sid}>${props}</conference></iq>`,
    );
  }

  /** FocusManager.conferenceRequest: the room's conference, created and joined if needed. */
  conferenceRequest(room) {
    let conf = this.conferences.get(room);
    if (!conf) {
      conf = new Conference(this, room);
      this.conferences.set(room, conf);
      conf.started = conf.start().then(
        () => true,
        (e) => {
          this.conferences.delete(room);
          throw e;
        },
      );
    }
    return conf.started;
  }

  /** Presence from a MUC room we are in. */
  onPresence(el) {
    const j = splitJid(el.attrs.from);
    const conf = this.conferences.get(j.bare.toLowerCase());
    if (conf) conf.onPresence(el, j.resource);
  }

  /** Called by a conference when it ended. */
  ended(conf) {
    if (this.conferences.get(conf.room) === conf) this.conferences.delete(conf.room);
  }

  /** Leaves every room (on shutdown). */
  stopAll() {
    for (const conf of [...this.conferences.values()]) conf.stop("shutdown");
  }
}

/** One conference: jicofo in the MUC room, the participants, and the timeouts. */
class Conference {
  constructor(focus, room) {
    this.focus = focus;
    this.room = room;
    this.nick = "focus";
    this.participants = new Map(); // nick -> real jid
    this.joined = false;
    this.stopped = false;
    this.joinWaiter = null;
    this.log = focus.confLog;
  }

  /** Joins the room as focus, accepts the default configuration, arms the initial timeout. */
  async start() {
    const client = this.focus.client;
    const selfPresence = new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out joining ${this.room}`)), this.focus.settings.client.replyTimeoutMs);
      this.joinWaiter = { resolve: (el) => { clearTimeout(t); resolve(el); }, reject: (e) => { clearTimeout(t); reject(e); } };
    });
    client.send(`<presence to="${esc(this.room)}/${this.nick}"><x xmlns="http://jabber.org/protocol/muc"/></presence>`);
    const presence = await selfPresence;
    const x = presence.getChild("x", MUC_USER_NS);
    const created = !!x && x.getChildren("status").some((s) => s.attrs.code === "201");
    if (created) {
      const res = await client.request(
        new Element("iq", { type: "set", to: this.room })
          .c("query", { xmlns: "http://jabber.org/protocol/muc#owner" })
          .c("x", { xmlns: "jabber:x:data", type: "submit" }).root(),
      );
      if (res.attrs.type !== "result") this.log.warn("start", `Room config not accepted for ${this.room}: ${res.toString()}`);
    }
    this.joined = true;
    this.log.info("start", `Joined the room ${this.room}`);
    this.armTimer(this.focus.settings.conference.initialTimeoutMs, "initial-timeout");
    return true;
  }

  /** (Re)starts the timer that ends an empty conference. */
  armTimer(ms, why) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.participants.size === 0) this.stop(why);
    }, ms);
  }

  /** Presence from this room: our own join, participants arriving and leaving. */
  onPresence(el, nick) {
    if (nick === this.nick) {
      if (this.joinWaiter) {
        const w = this.joinWaiter;
        this.joinWaiter = null;
        if (el.attrs.type === "error") w.reject(new Error(`join refused: ${el.toString()}`));
        else w.resolve(el);
      }
      return;
    }
    if (!nick || this.stopped) return;
    if (el.attrs.type === "unavailable") {
      if (this.participants.delete(nick)) {
        this.log.info("onMemberLeft", `Member left: ${nick}, ${this.room}`);
        if (this.participants.size === 0) this.stop("last participant left");
      }
      return;
    }
    if (el.attrs.type === "error" || this.participants.has(nick)) return;
    const item = el.getChild("x", MUC_USER_NS)?.getChild("item");
    const realJid = item?.attrs.jid;
    this.participants.set(nick, realJid);
    this.log.info("onMemberJoined", `Member joined:${nick} in ${this.room}`);
    clearTimeout(this.timer);
    if (this.focus.settings.conference.enableAutoOwner && realJid && item?.attrs.affiliation !== "owner"
      && this.participants.size === 1) {
      this.focus.client.send(
        `<iq type="set" id="owner-${randomBytes(4).toString("hex")}" to="${esc(this.room)}">` +
          `<query xmlns="http://jabber.org/protocol/muc#admin"><item affiliation="owner" jid="${esc(splitJid(realJid).bare)}"/></query></iq>`,
      );
    }
  }

  /** Leaves the room and forgets the conference. */
  stop(reason) {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.log.info("stop", `Stopping conference ${this.room}: ${reason}`);
    this.focus.client.send(`<presence type="unavailable" to="${esc(this.room)}/${this.nick}"/>`);
    this.focus.ended(this);
  }
}
