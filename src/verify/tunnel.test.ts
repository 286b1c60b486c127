import net from "node:net";
import type { Duplex } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { Host } from "../host/host.js";
import type { Inventory } from "../inventory-types.js";
import { FakeJitsi } from "../../test/support/verify/fake-jitsi.js";
import { verifyHost } from "./index.js";
import { openTunnel } from "./tunnel.js";

/** A Host whose forward() is a plain TCP connection from here (what an SSH direct-tcpip channel amounts to). */
function tcpHost(log: string[] = []): Host {
  const no = () => Promise.reject(new Error("not used by the verifier"));
  return {
    name: "tcp-fake",
    run: no,
    check: no,
    readFile: no,
    writeFile: no,
    close: () => Promise.resolve(),
    forward: (address: string, port: number) =>
      new Promise<Duplex>((resolve, reject) => {
        log.push(`${address}:${port}`);
        const s = net.connect(port, address);
        s.once("connect", () => resolve(s));
        s.once("error", reject);
      }),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe("openTunnel", () => {
  it("pipes local connections through host.forward and drops them on close", async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise((r) => echo.close(() => r())));
    const port = (echo.address() as net.AddressInfo).port;
    const log: string[] = [];
    const tunnel = await openTunnel(tcpHost(log), "127.0.0.1", port);
    expect(tunnel.baseUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const localPort = Number(new URL(tunnel.baseUrl).port);
    const c = net.connect(localPort, "127.0.0.1");
    const reply = await new Promise<string>((resolve) => {
      c.once("data", (d) => resolve(d.toString()));
      c.write("hello through the tunnel");
    });
    expect(reply).toBe("hello through the tunnel");
    expect(log).toEqual([`127.0.0.1:${port}`]);
    const closed = new Promise<void>((r) => c.once("close", () => r()));
    await tunnel.close();
    await closed;
    await expect(
      new Promise((resolve, reject) => net.connect(localPort, "127.0.0.1").once("connect", resolve).once("error", reject)),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("gives the first connection the spare channel instead of opening another", async () => {
    const echo = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
    cleanups.push(() => new Promise((r) => echo.close(() => r())));
    const port = (echo.address() as net.AddressInfo).port;
    const log: string[] = [];
    const host = tcpHost(log);
    const spare = await host.forward("127.0.0.1", port);
    const tunnel = await openTunnel(host, "127.0.0.1", port, spare);
    cleanups.push(() => tunnel.close());
    const echoed = async (text: string) => {
      const c = net.connect(Number(new URL(tunnel.baseUrl).port), "127.0.0.1");
      return new Promise<string>((resolve) => {
        c.once("data", (d) => resolve(d.toString()));
        c.write(text);
      });
    };
    expect(await echoed("first")).toBe("first");
    expect(log).toHaveLength(1);
    expect(await echoed("second")).toBe("second");
    expect(log).toHaveLength(2);
  });

  it("closes the local connection when the forward fails", async () => {
    const failing: Host = { ...tcpHost(), forward: () => Promise.reject(new Error("open failed")) };
    const tunnel = await openTunnel(failing, "127.0.0.1", 1);
    cleanups.push(() => tunnel.close());
    const c = net.connect(Number(new URL(tunnel.baseUrl).port), "127.0.0.1");
    await new Promise<void>((r) => c.once("close", () => r()));
    expect(c.destroyed).toBe(true);
  });
});

describe("verifyHost", () => {
  const SECRET = "verify-host-secret-0123456789";
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

  it("runs every check through the tunnel with Host: <domain>", async () => {
    const server = await new FakeJitsi({ domain: "meet.test", guestDomain: "guest.meet.test", secret: SECRET }).start();
    cleanups.push(() => server.stop());
    const port = Number(new URL(server.url).port);
    const log: string[] = [];
    const results = await verifyHost(tcpHost(log), inv, { httpPort: port, timeoutMs: 2000, web: false });
    expect(results.map((r) => [r.id, r.ok])).toEqual(["a", "b", "c", "d", "e", "f", "g"].map((id) => [id, true]));
    expect(new Set(server.requests.map((r) => r.headers.host))).toEqual(new Set(["meet.test"]));
    // One channel per XMPP session: the reachability probe's channel carries the first one.
    expect(log).toHaveLength(7);
  });

  it("says Prosody is not listening when the SSH forward is refused", async () => {
    const host: Host = { ...tcpHost(), name: "box1", forward: () => Promise.reject(new Error("(SSH) Channel open failure: Connection refused")) };
    const results = await verifyHost(host, inv, {});
    expect(results[0]!.detail).toBe(
      "Prosody is not listening on 127.0.0.1:5280 on box1 (SSH forward failed: (SSH) Channel open failure: Connection refused)",
    );
    expect(results.slice(1).every((r) => r.skipped && !r.ok)).toBe(true);
  });
});
