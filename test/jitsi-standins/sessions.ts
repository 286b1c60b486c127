// XMPP sessions against the Jitsi stand-ins through the product's own client (src/verify/xmpp.ts): tokens signed
// like `provision token`, websocket logins like lib-jitsi-meet (?room=, ?token= and Bearer), raw conference IQs.
import { randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { Element } from "ltx";
import { NS, parseStanzaError, type StanzaError } from "../../src/verify/stanza.js";
import { XmppSession } from "../../src/verify/xmpp.js";

/** Where the stand-ins answer and what their Prosody was configured with. */
export interface StandinTarget {
  /** Address of Prosody's HTTP port 5280. */
  ip: string;
  domain: string;
  appId: string;
  secret: string;
}

/** Opens, logs in and closes sessions against one stand-in deployment. */
export class StandinSessions {
  private readonly open: XmppSession[] = [];
  constructor(private readonly t: () => StandinTarget) {}

  /** A token for `room`, signed with the deployment's secret unless told otherwise; `claims` override the defaults. */
  token(room: string, opts: { secret?: string; claims?: Record<string, unknown>; exp?: number | string } = {}): Promise<string> {
    const t = this.t();
    return new SignJWT({ iss: t.appId, aud: "jitsi", sub: t.domain, room, context: { user: { id: "u1", name: "Alice" } }, ...opts.claims })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? "10m")
      .sign(new TextEncoder().encode(opts.secret ?? t.secret));
  }

  /** A websocket session whose stream is open to the main domain or the guest domain (default: main with a token). */
  async connect(room: string, token?: string, on: "main" | "guest" = token === undefined ? "guest" : "main"): Promise<XmppSession> {
    const t = this.t();
    const s = await XmppSession.connect({
      endpoint: { baseUrl: `ws://${t.ip}:5280`, headers: { Host: t.domain } },
      to: on === "guest" ? `guest.${t.domain}` : t.domain,
      domain: t.domain,
      room,
      token,
      timeoutMs: 20_000,
    });
    this.open.push(s);
    return s;
  }

  /** connect, SASL ANONYMOUS (which must succeed) and bind. */
  async login(room: string, token?: string): Promise<XmppSession> {
    const s = await this.connect(room, token);
    const sasl = await s.authAnonymous();
    if (!sasl.ok) throw new Error(`SASL ANONYMOUS refused: ${sasl.failure.condition} ${sasl.failure.text ?? ""}`);
    await s.bind();
    return s;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((s) => s.close()));
  }
}

/** A conference IQ with exactly the given attributes (to send what lib-jitsi-meet would not); the reply element. */
export function rawConference(s: XmppSession, focus: string, attrs: Record<string, string>): Promise<Element> {
  const iq = new Element("iq", { xmlns: NS.client, type: "set", to: focus, id: `raw-${randomBytes(4).toString("hex")}` });
  iq.c("conference", { xmlns: NS.focus, ...attrs });
  return s.iq(iq, "conference IQ");
}

/** The error of a reply stanza (undefined-condition when it has none). */
export function errorOf(reply: Element): StanzaError {
  return parseStanzaError(reply) ?? { condition: "undefined-condition" };
}
