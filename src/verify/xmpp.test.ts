import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { VerifyError, describeTransportError, websocketLabel, websocketUrl } from "./websocket.js";
import { XmppSession } from "./xmpp.js";

const OPEN = `<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="d" id="1" version="1.0"/>`;
const FEATURES = `<stream:features xmlns:stream="http://etherx.jabber.org/streams"><mechanisms xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><mechanism>ANONYMOUS</mechanism></mechanisms></stream:features>`;

let wss: WebSocketServer | undefined;
afterEach(async () => {
  if (wss) {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss!.close(() => r()));
    wss = undefined;
  }
});

/** A ws server scripted per test: `script` gets each client frame and the socket. */
async function scripted(script: (frame: string, ws: WebSocket) => void, protocols: "xmpp" | false = "xmpp"): Promise<string> {
  wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => protocols });
  await new Promise<void>((r) => wss!.once("listening", () => r()));
  wss.on("connection", (ws) => ws.on("message", (d) => script(d.toString(), ws)));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

const opts = (baseUrl: string, timeoutMs = 500) => ({ endpoint: { baseUrl }, to: "d", domain: "d", timeoutMs });

describe("XmppSession", () => {
  it("turns a stream error into a closed VerifyError naming the condition and step", async () => {
    const url = await scripted((f, ws) => {
      if (f.startsWith("<open")) {
        ws.send(OPEN);
        ws.send(
          `<stream:error xmlns:stream="http://etherx.jabber.org/streams"><host-unknown xmlns="urn:ietf:params:xml:ns:xmpp-streams"/><text xmlns="urn:ietf:params:xml:ns:xmpp-streams">no such host</text></stream:error>`,
        );
        ws.close();
      }
    });
    const err = await XmppSession.connect(opts(url)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VerifyError);
    expect((err as VerifyError).message).toBe('stream error from the server: host-unknown "no such host" (during stream open (stream features))');
  });

  it("recognises Prosody 13's stream error, sent without declaring the stream prefix, before its <close/>", async () => {
    const url = await scripted((f, ws) => {
      if (f.startsWith("<open")) {
        ws.send(OPEN);
        ws.send(`<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>This server does not serve guest.d</text></stream:error>`);
        ws.send(`<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>`);
      }
    });
    const err = await XmppSession.connect(opts(url)).catch((e: unknown) => e);
    expect((err as VerifyError).message).toBe('stream error from the server: host-unknown "This server does not serve guest.d" (during stream open (stream features))');
  });

  it("reports the server dropping the connection mid-step", async () => {
    const url = await scripted((f, ws) => {
      if (f.startsWith("<open")) {
        ws.send(OPEN);
        ws.send(FEATURES);
      } else if (f.startsWith("<auth")) ws.close(1011, "boom");
    });
    const s = await XmppSession.connect(opts(url));
    const err = await s.authAnonymous().catch((e: unknown) => e);
    expect((err as VerifyError).kind).toBe("closed");
    expect((err as VerifyError).message).toBe('the server closed the websocket (code 1011, "boom") (during SASL ANONYMOUS)');
    await s.close();
  });

  it("closes cleanly even when the server never answers <close/>", async () => {
    const url = await scripted((f, ws) => {
      if (f.startsWith("<open")) {
        ws.send(OPEN);
        ws.send(FEATURES);
      }
    });
    const s = await XmppSession.connect(opts(url, 300));
    const t0 = Date.now();
    await s.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    await s.close(); // idempotent
  });

  it("answers unknown IQs from the server with service-unavailable instead of ignoring them", async () => {
    const seen: string[] = [];
    const url = await scripted((f, ws) => {
      seen.push(f);
      if (f.startsWith("<open")) {
        ws.send(OPEN);
        ws.send(`<iq xmlns="jabber:client" type="get" id="ping1" from="d"><ping xmlns="urn:xmpp:ping"/></iq>`);
        ws.send(FEATURES);
      }
    });
    const s = await XmppSession.connect(opts(url));
    expect(s.mechanisms).toEqual(["ANONYMOUS"]);
    await s.close();
    expect(seen.some((f) => f.includes('id="ping1"') && f.includes("service-unavailable"))).toBe(true);
  });

  it("refuses a server that does not pick the xmpp subprotocol", async () => {
    const url = await scripted(() => {}, false);
    const err = await XmppSession.connect(opts(url)).catch((e: unknown) => e);
    expect((err as VerifyError).kind).toBe("transport");
    expect((err as VerifyError).message).toMatch(/^Prosody is not serving \/xmpp-websocket at ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket: /);
  });
});

describe("URLs and transport errors", () => {
  it("puts room and token in the query, and never in the label", () => {
    const ep = { baseUrl: "wss://meet.example.com/" };
    expect(websocketUrl(ep, "r 1", "a.b.c")).toBe("wss://meet.example.com/xmpp-websocket?room=r+1&token=a.b.c");
    expect(websocketUrl(ep)).toBe("wss://meet.example.com/xmpp-websocket");
    expect(websocketLabel(ep)).toBe("wss://meet.example.com/xmpp-websocket");
  });

  it.each([
    [{ message: "Unexpected server response: 501" }, /^Prosody is not serving \/xmpp-websocket at L \(HTTP 501/],
    [{ message: "Unexpected server response: 404" }, /\(HTTP 404: mod_websocket is not enabled on d/],
    [{ message: "Unexpected server response: 502" }, /\(HTTP 502\)$/],
    [{ message: "x", code: "ECONNREFUSED" }, /: connection refused/],
    [{ message: "x", code: "ENOTFOUND" }, /^cannot resolve d \(DNS\)/],
    [{ message: "x", code: "DEPTH_ZERO_SELF_SIGNED_CERT" }, /^the TLS certificate of d is not trusted/],
    [{ message: "Opening handshake has timed out" }, /no answer to the websocket handshake/],
  ])("words %j for an operator", (err, expected) => {
    expect(describeTransportError(Object.assign(new Error(err.message), err), "L", "d")).toMatch(expected);
  });
});
