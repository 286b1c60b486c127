// A TCP stream from an SSH server to address:port (a direct-tcpip channel): the verifier's tunnel and ProxyJump.
import type { Duplex } from "node:stream";
import { HostError } from "../errors.js";
import type { Client } from "./ssh-connect.js";

export interface ForwardContext {
  /** Inventory name (errors say where). */
  name: string;
  /** The SSH server that forwards, as messages name it ("the host", "the jump host bastion:22"). */
  server: string;
  /** The login user on that server (sshd_config rules are per user). */
  user: string;
  lost(what: string): HostError;
}

/** Ask `client`'s server to connect to address:port; a refusal names the sshd_config setting or the missing listener. */
export function forwardOut(client: Client, address: string, port: number, c: ForwardContext): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    try {
      client.forwardOut("127.0.0.1", 0, address, port, (err, channel) => {
        if (!err) return resolve(channel);
        const reason = (err as Error & { reason?: number }).reason;
        if (reason === 1) {
          reject(new HostError(`${c.server} refused to forward to ${address}:${port}`, {
            where: c.name,
            lines: [err.message],
            fix: `allow TCP forwarding for ${c.user} in sshd_config on ${c.server} (AllowTcpForwarding yes or local; PermitOpen must allow ${address}:${port})`,
          }));
        } else if (reason === 2) {
          reject(new HostError(`nothing accepts connections at ${address}:${port} as seen from ${c.server}`, {
            where: c.name,
            lines: [err.message],
            fix: `check that the service listening on ${address}:${port} is running (and bound to that address), and that ${c.server} can reach it`,
          }));
        } else {
          reject(new HostError(`cannot open a tunnel to ${address}:${port} through ${c.server}`, { where: c.name, lines: [err.message] }));
        }
      });
    } catch {
      reject(c.lost(`forward to ${address}:${port}`));
    }
  });
}
