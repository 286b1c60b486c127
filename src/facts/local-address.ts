// The host's own address on the way out (the source address of its default route), for a bridge behind NAT whose
// inventory names only the public address: ice4j maps that local address to the public one.
import type { Fact } from "./fact.js";

/** `ip route get` to a documentation address (never contacted: the kernel only picks the route) of the family. */
const SCRIPT = `if [ "$1" = 6 ]; then ip -o -6 route get 2001:db8::1 2>/dev/null; else ip -o -4 route get 192.0.2.1 2>/dev/null; fi; exit 0`;

/** The `src` address of `ip -o route get` output; undefined when there is no route (or no `src`). */
export function parseRouteSource(stdout: string): string | undefined {
  return /\bsrc\s+(\S+)/.exec(stdout)?.[1];
}

/** The fact: the host's source address toward the internet for IPv4 (4) or IPv6 (6). */
export function localAddress(family: 4 | 6): Fact<string | undefined> {
  return { name: "local-address", script: SCRIPT, args: [String(family)], parse: parseRouteSource };
}
