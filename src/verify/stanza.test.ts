import { parse } from "ltx";
import { describe, expect, it } from "vitest";
import {
  bareJid,
  conferenceIq,
  describeSaslFailure,
  describeStanzaError,
  mucJoin,
  mucStatusCodes,
  offeredMechanisms,
  openElement,
  parseSaslFailure,
  parseStanzaError,
  parseStreamError,
} from "./stanza.js";

const el = (s: string) => parse(s)!;

describe("parsers", () => {
  it("parses a SASL failure with text (mod_saslauth build_reply)", () => {
    const f = parseSaslFailure(el(`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-allowed/><text>Not acceptable by exp (12 sec since expired)</text></failure>`));
    expect(f).toEqual({ condition: "not-allowed", text: "Not acceptable by exp (12 sec since expired)" });
    expect(describeSaslFailure(f)).toBe('not-allowed: "Not acceptable by exp (12 sec since expired)"');
  });

  it("parses a SASL failure without text, with text first", () => {
    expect(parseSaslFailure(el(`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>`))).toEqual({ condition: "not-authorized" });
    expect(parseSaslFailure(el(`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><text>sub claim is missing</text><not-authorized/></failure>`))).toEqual({
      condition: "not-authorized",
      text: "sub claim is missing",
    });
  });

  it("parses the token_verification presence error with its jitmeet child (docs/jitsi.md §2.4)", () => {
    const p = el(
      `<presence type='error' from='r@conference.d/n' xmlns='jabber:client'><error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Room and token mismatched</text><room-mismatch xmlns='http://jitsi.org/jitmeet'/></error></presence>`,
    );
    const e = parseStanzaError(p)!;
    expect(e).toEqual({ type: "cancel", condition: "not-allowed", text: "Room and token mismatched", app: { name: "room-mismatch", xmlns: "http://jitsi.org/jitmeet" } });
    expect(describeStanzaError(e)).toBe('not-allowed / room-mismatch: "Room and token mismatched"');
  });

  it("parses jicofo's not-authorized IQ error", () => {
    const iq = el(
      `<iq type='error' id='c1' xmlns='jabber:client'><conference xmlns='http://jitsi.org/protocol/focus' room='x'/><error type='auth'><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>not authorized user domain</text></error></iq>`,
    );
    expect(parseStanzaError(iq)).toEqual({ type: "auth", condition: "not-authorized", text: "not authorized user domain" });
    expect(parseStanzaError(el(`<iq type='result'/>`))).toBeUndefined();
  });

  it("parses a stream error", () => {
    const e = parseStreamError(el(`<stream:error xmlns:stream='http://etherx.jabber.org/streams'><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>This server does not serve x</text></stream:error>`));
    expect(e).toEqual({ condition: "host-unknown", text: "This server does not serve x" });
  });

  it("reads offered mechanisms, status codes and bare JIDs", () => {
    const f = el(`<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>ANONYMOUS</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>`);
    expect(offeredMechanisms(f)).toEqual(["ANONYMOUS", "PLAIN"]);
    expect(offeredMechanisms(el(`<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>`))).toEqual([]);
    expect(mucStatusCodes(el(`<presence><x xmlns='http://jabber.org/protocol/muc#user'><status code='100'/><status code='110'/></x></presence>`))).toEqual(["100", "110"]);
    expect(bareJid("a@b/c/d")).toBe("a@b");
    expect(bareJid("a@b")).toBe("a@b");
    expect(bareJid(undefined)).toBe("");
  });
});

describe("builders", () => {
  it("builds the RFC 7395 open", () => {
    expect(openElement("guest.d").toString()).toBe('<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="guest.d" version="1.0"/>');
  });
  it("builds the conference IQ like lib-jitsi-meet, omitting token for guests and escaping values", () => {
    expect(conferenceIq("c1", "focus.d", "r@conference.d", "abc", "t.o.k").toString()).toBe(
      '<iq xmlns="jabber:client" type="set" to="focus.d" id="c1"><conference xmlns="http://jitsi.org/protocol/focus" room="r@conference.d" machine-uid="abc" token="t.o.k"/></iq>',
    );
    expect(conferenceIq("c1", "focus.d", "r@conference.d", "abc").toString()).not.toContain("token");
    expect(conferenceIq("c1", "focus.d", `r"<&@c`, "abc").toString()).toContain('room="r&quot;&lt;&amp;@c"');
  });
  it("builds the MUC join presence", () => {
    expect(mucJoin("r@c.d/nick", "nick").toString()).toBe(
      '<presence xmlns="jabber:client" to="r@c.d/nick"><x xmlns="http://jabber.org/protocol/muc"/><nick xmlns="http://jabber.org/protocol/nick">nick</nick></presence>',
    );
  });
});
