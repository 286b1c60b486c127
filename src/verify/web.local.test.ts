// Check h against an nginx-like HTTPS front (a certificate made with openssl): config.js and the token login through
// /xmpp-websocket run at once, and config.js's verdict comes first.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Inventory } from "../inventory-types.js";
import { FakeJitsi } from "../../test/support/verify/fake-jitsi.js";
import { webPath } from "./web.js";

const SECRET = "web-path-secret-0123456789abcdef";
const inv: Inventory = {
  name: "t",
  role: "main",
  bridge: { nickname: "jvb-test", xmppServer: "127.0.0.1" },
  bridges: [],
  ssh: { host: "h", port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
  jitsi: { domain: "meet.test", guestDomain: "guest.meet.test", prosodyAddress: "127.0.0.1", pluginDir: "/p" },
  jwt: { appId: "app", appSecret: SECRET, audience: "jitsi" },
  tls: { mode: "self-signed" },
};

function certificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "web-path-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=meet.test", "-addext", "subjectAltName=DNS:meet.test", "-keyout", join(dir, "k"), "-out", join(dir, "c")], { stdio: "ignore" });
    return { cert: readFileSync(join(dir, "c"), "utf8"), key: readFileSync(join(dir, "k"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** nginx in small: GET /config.js answered after `delayMs`, /xmpp-websocket passed to a FakeJitsi; records when each arrived. */
async function front(o: { status?: number; body?: string; delayMs?: number; secret?: string }) {
  const jitsi = await new FakeJitsi({ domain: "meet.test", guestDomain: "guest.meet.test", secret: o.secret ?? SECRET }).start();
  const { cert, key } = certificate();
  const seen: { what: string; at: number }[] = [];
  const server = https.createServer({ cert, key }, (req, res) => {
    seen.push({ what: `GET ${req.url}`, at: Date.now() });
    setTimeout(() => res.writeHead(o.status ?? 200).end(o.body ?? "var config = { hosts: { anonymousdomain: 'guest.meet.test' } };"), o.delayMs ?? 0);
  });
  server.on("upgrade", (req, socket, head) => {
    seen.push({ what: "upgrade", at: Date.now() });
    const up = net.connect(Number(new URL(jitsi.url).port), "127.0.0.1", () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`), "", ""];
      up.write(lines.join("\r\n"));
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    up.on("error", () => socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await jitsi.stop();
  });
  const target = { baseUrl: `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`, ca: [cert] };
  return { target, seen };
}

describe("webPath", () => {
  it("passes when nginx serves config.js naming the guest domain and passes a token to Prosody", async () => {
    const { target } = await front({});
    expect(await webPath(inv, target, 2000)).toEqual({
      id: "h",
      name: "web-path",
      ok: true,
      detail: "https://meet.test/config.js served; a token logged in through wss://meet.test/xmpp-websocket (nginx → Prosody)",
    });
  });

  it("asks for config.js and opens the websocket at once", async () => {
    const { target, seen } = await front({ delayMs: 600 });
    const r = await webPath(inv, target, 2000);
    expect(r.ok).toBe(true);
    const get = seen.find((x) => x.what === "GET /config.js")!;
    const upgrade = seen.find((x) => x.what === "upgrade")!;
    // One after the other, the websocket would open only once config.js had been answered (600 ms later).
    expect(upgrade.at - get.at).toBeLessThan(400);
  });

  it("reports config.js's problem first when both fail, as when they ran in turn", async () => {
    const { target } = await front({ status: 404, secret: "another-secret" });
    expect((await webPath(inv, target, 2000)).detail).toBe("https://meet.test/config.js answered HTTP 404 through nginx (is the nginx site in place and nginx restarted?)");
  });

  it("names the login through nginx when config.js is right", async () => {
    const { target } = await front({ secret: "another-secret" });
    expect((await webPath(inv, target, 2000)).detail).toMatch(/^a valid token was refused through nginx: not-allowed: "Invalid signature"/);
  });
});
