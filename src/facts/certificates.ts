// Which hosts have a certificate and key in the cert directory, and the sha256 of given files (TLS_MODE=files).
import type { Fact } from "./fact.js";

export interface CertState {
  /** host name → present (both .crt and .key). */
  present: Map<string, boolean>;
  /** file → sha256, or "absent". */
  sums: Map<string, string>;
}

// $1 cert dir, then host names and absolute files. Prints "have <host>" for each complete pair and "sum <file> <sha>".
const CERTS = `dir=$1; shift
for h in "$@"; do case $h in /*) s=$(sha256sum -- "$h" 2>/dev/null | cut -d' ' -f1); echo "sum $h \${s:-absent}";; *) [ -f "$dir/$h.crt" ] && [ -f "$dir/$h.key" ] && echo "have $h";; esac; done; exit 0`;

/** Pure: CERTS's output for these hosts. */
export function parseCerts(stdout: string, hosts: readonly string[]): CertState {
  const present = new Map(hosts.map((h) => [h, false]));
  const sums = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const [kind, a, b] = line.split(" ");
    if (kind === "have" && a) present.set(a, true);
    if (kind === "sum" && a && b) sums.set(a, b);
  }
  return { present, sums };
}

/** The fact: certificates of `hosts` in `dir`, and the checksums of `files`. */
export function certificates(dir: string, hosts: readonly string[], files: readonly string[]): Fact<CertState> {
  return { name: "certs", script: CERTS, args: [dir, ...hosts, ...files], parse: (out) => parseCerts(out, hosts) };
}
