// A local TCP port piped through Host.forward (like `ssh -L`): the verifier reaches Prosody's HTTP port over SSH.
import net from "node:net";
import type { Duplex } from "node:stream";
import type { Host } from "../host/host.js";

export interface Tunnel {
  /** ws://127.0.0.1:<local port> */
  baseUrl: string;
  /** Stop listening and drop every open connection. */
  close(): Promise<void>;
}

/**
 * Listen on 127.0.0.1:0 and pipe each connection through host.forward(address, port): one SSH channel per
 * connection. `spare` is a channel to the same place opened already (the reachability probe's): the first
 * connection uses it instead of opening another.
 */
export async function openTunnel(host: Host, address: string, port: number, spare?: Duplex): Promise<Tunnel> {
  const live = new Set<Duplex>();
  if (spare) live.add(spare);
  const channelFor = (): Promise<Duplex> => {
    const ready = spare;
    spare = undefined;
    return ready && !ready.destroyed ? Promise.resolve(ready) : host.forward(address, port);
  };
  const server = net.createServer((sock) => {
    live.add(sock);
    sock.on("error", () => sock.destroy());
    sock.on("close", () => live.delete(sock));
    channelFor().then(
      (channel) => {
        if (sock.destroyed) {
          channel.destroy();
          return;
        }
        live.add(channel);
        channel.on("error", () => sock.destroy());
        channel.on("close", () => {
          live.delete(channel);
          sock.destroy();
        });
        sock.on("close", () => channel.destroy());
        sock.pipe(channel);
        channel.pipe(sock);
      },
      () => sock.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: localPort } = server.address() as net.AddressInfo;
  return {
    baseUrl: `ws://127.0.0.1:${localPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of live) s.destroy();
      }),
  };
}
