// Pure helpers for the verifier's XMPP: namespaces, stanza builders, and parsers for the server's refusals.
import { Element } from "ltx";

export const NS = {
  framing: "urn:ietf:params:xml:ns:xmpp-framing",
  streams: "http://etherx.jabber.org/streams",
  sasl: "urn:ietf:params:xml:ns:xmpp-sasl",
  bind: "urn:ietf:params:xml:ns:xmpp-bind",
  stanzas: "urn:ietf:params:xml:ns:xmpp-stanzas",
  streamErrors: "urn:ietf:params:xml:ns:xmpp-streams",
  client: "jabber:client",
  focus: "http://jitsi.org/protocol/focus",
  muc: "http://jabber.org/protocol/muc",
  mucUser: "http://jabber.org/protocol/muc#user",
  nick: "http://jabber.org/protocol/nick",
  jitmeet: "http://jitsi.org/jitmeet",
} as const;

/** A SASL <failure>: the condition element's name and the server's <text>. */
export interface SaslFailure {
  condition: string;
  text?: string;
}

/** A stanza <error>: type, defined condition, text, and an application-specific child (e.g. jitmeet room-mismatch). */
export interface StanzaError {
  type?: string;
  condition: string;
  text?: string;
  app?: { name: string; xmlns?: string };
}

/** Parse an element made of a condition child and an optional <text>: a SASL <failure> or a <stream:error>. */
export function parseSaslFailure(el: Element): SaslFailure {
  let condition = "undefined-condition";
  let text: string | undefined;
  for (const child of el.getChildElements()) {
    if (child.getName() === "text") text = child.getText();
    else condition = child.getName();
  }
  return text ? { condition, text } : { condition };
}

/** Parse the <error> child of an iq/presence/message of type "error" (undefined when there is none). */
export function parseStanzaError(stanza: Element): StanzaError | undefined {
  const err = stanza.getChild("error");
  if (!err) return undefined;
  const out: StanzaError = { condition: "undefined-condition" };
  if (err.attrs.type) out.type = err.attrs.type;
  let conditionFound = false;
  for (const child of err.getChildElements()) {
    const name = child.getName();
    const ns = child.getNS();
    if (name === "text" && (ns === NS.stanzas || ns === undefined || ns === NS.client)) {
      out.text = child.getText();
    } else if (ns === NS.stanzas && !conditionFound) {
      out.condition = name;
      conditionFound = true;
    } else if (ns !== NS.stanzas) {
      out.app = ns ? { name, xmlns: ns } : { name };
    }
  }
  return out;
}

/** Parse a <stream:error>: the condition and text (same shape as a SASL failure). */
export const parseStreamError = parseSaslFailure;

/** One line for a stanza error: `not-allowed / room-mismatch: "text"`. */
export function describeStanzaError(e: StanzaError): string {
  const parts = [e.condition];
  if (e.app) parts.push(e.app.name);
  return `${parts.join(" / ")}${e.text ? `: "${e.text}"` : ""}`;
}

/** One line for a SASL failure: `not-allowed: "token required"`. */
export function describeSaslFailure(f: SaslFailure): string {
  return `${f.condition}${f.text ? `: "${f.text}"` : ""}`;
}

/** The RFC 7395 stream header for `to`. */
export function openElement(to: string): Element {
  return new Element("open", { xmlns: NS.framing, to, version: "1.0" });
}

/** The RFC 7395 stream close. */
export function closeElement(): Element {
  return new Element("close", { xmlns: NS.framing });
}

/** `<auth mechanism="ANONYMOUS"/>`. */
export function anonymousAuth(): Element {
  return new Element("auth", { xmlns: NS.sasl, mechanism: "ANONYMOUS" });
}

/** Resource bind IQ. */
export function bindIq(id: string): Element {
  const iq = new Element("iq", { xmlns: NS.client, type: "set", id });
  iq.c("bind", { xmlns: NS.bind });
  return iq;
}

/** The conference request lib-jitsi-meet sends to focus.<domain> (moderator.js _createConferenceIq). */
export function conferenceIq(id: string, focus: string, roomJid: string, machineUid: string, token?: string): Element {
  const iq = new Element("iq", { xmlns: NS.client, type: "set", to: focus, id });
  iq.c("conference", { xmlns: NS.focus, room: roomJid, "machine-uid": machineUid, token });
  return iq;
}

/** The MUC join presence (ChatRoom.ts sendPresence). */
export function mucJoin(occupantJid: string, nick: string): Element {
  const p = new Element("presence", { xmlns: NS.client, to: occupantJid });
  p.c("x", { xmlns: NS.muc });
  p.c("nick", { xmlns: NS.nick }).t(nick);
  return p;
}

/** Mechanism names offered in a <stream:features> element (empty when SASL is not offered). */
export function offeredMechanisms(features: Element): string[] {
  const mechs = features.getChild("mechanisms", NS.sasl);
  if (!mechs) return [];
  return mechs.getChildren("mechanism").map((m) => m.getText().trim());
}

/** The bare part of a JID. */
export function bareJid(jid: string | undefined): string {
  if (!jid) return "";
  const slash = jid.indexOf("/");
  return slash >= 0 ? jid.slice(0, slash) : jid;
}

/** Status codes in a presence's muc#user child. */
export function mucStatusCodes(presence: Element): string[] {
  const x = presence.getChild("x", NS.mucUser);
  if (!x) return [];
  return x.getChildren("status").map((s) => s.attrs.code ?? "");
}
