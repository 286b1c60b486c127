// Certificates for the domain and auth.<domain> in /etc/prosody/certs: self-signed when missing, or the operator's files.
import { HostError, PendingChangeError } from "../src/errors.js";
import type { Inventory } from "../src/inventory-types.js";
import { serviceAccounts } from "../src/facts/service-account.js";
import type { Change, Task } from "../src/task.js";
import { PATHS, UNITS } from "../src/platform.js";


export interface CertFacts {
  /** host name → present (both .crt and .key). */
  present: Map<string, boolean>;
  /** sha256 of TLS_CERT/TLS_KEY and of the installed copies, for TLS_MODE=files. */
  sums: Map<string, string>;
  /** The group Prosody runs as: it must read the keys. */
  group: string | null;
}

// $1 cert dir, then pairs of files to checksum. Prints "have <host>" for each complete pair and "sum <file> <sha>".
const GATHER = `dir=$1; shift
for h in "$@"; do case $h in /*) s=$(sha256sum -- "$h" 2>/dev/null | cut -d' ' -f1); echo "sum $h \${s:-absent}";; *) [ -f "$dir/$h.crt" ] && [ -f "$dir/$h.key" ] && echo "have $h";; esac; done; exit 0`;

// Self-signed certificate: $1 dir, $2 host, $3 Prosody's group. Key readable by Prosody's group only.
const GENERATE = `set -e; umask 077; mkdir -p "$1"
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=$2" -addext "subjectAltName=DNS:$2" -keyout "$1/$2.key.tmp" -out "$1/$2.crt.tmp" 2>/dev/null
chown "root:$3" "$1/$2.key.tmp" "$1/$2.crt.tmp"; chmod 640 "$1/$2.key.tmp"; chmod 644 "$1/$2.crt.tmp"
mv -f "$1/$2.key.tmp" "$1/$2.key"; mv -f "$1/$2.crt.tmp" "$1/$2.crt"`;

// Install the operator's files: $1 cert $2 key $3 dest dir $4 host $5 Prosody's group.
const INSTALL = `set -e; install -D -o root -g "$5" -m 644 -- "$1" "$3/$4.crt"; install -D -o root -g "$5" -m 640 -- "$2" "$3/$4.key"`;

function hosts(inv: Inventory): string[] {
  return [inv.jitsi.domain, `auth.${inv.jitsi.domain}`];
}

export const certificates: Task<CertFacts> = {
  name: "certificates",
  title: "TLS certificates for the domain and auth domain",
  async gather({ host, inv }) {
    const files = inv.tls.mode === "files" ? [inv.tls.cert!, inv.tls.key!, `${PATHS.certDir}/${inv.jitsi.domain}.crt`, `${PATHS.certDir}/${inv.jitsi.domain}.key`] : [];
    const r = await host.check(["sh", "-c", GATHER, "certs", PATHS.certDir, ...hosts(inv), ...files], { sudo: true });
    const present = new Map(hosts(inv).map((h) => [h, false]));
    const sums = new Map<string, string>();
    for (const line of r.stdout.split("\n")) {
      const [kind, a, b] = line.split(" ");
      if (kind === "have" && a) present.set(a, true);
      if (kind === "sum" && a && b) sums.set(a, b);
    }
    const group = (await serviceAccounts(host, [UNITS.prosody])).get(UNITS.prosody)?.group ?? null;
    return { present, sums, group };
  },
  plan(inv, f) {
    const changes: Change[] = [];
    const [main, auth] = hosts(inv) as [string, string];
    const group = f.group;
    if (!group)
      throw new PendingChangeError(`cannot tell which group ${UNITS.prosody}.service runs as (its unit sets no User=/Group= that exists on the host)`, ["prosody"], { where: inv.name, fix: "install prosody (the bootstrap task does), then run again" });
    if (inv.tls.mode === "files") {
      const cert = inv.tls.cert!;
      const key = inv.tls.key!;
      for (const file of [cert, key])
        if (f.sums.get(file) === "absent")
          throw new HostError(`TLS file ${file} does not exist on the host`, { where: inv.name, fix: "correct TLS_CERT / TLS_KEY, or use TLS_MODE=self-signed" });
      if (f.sums.get(cert) !== f.sums.get(`${PATHS.certDir}/${main}.crt`) || f.sums.get(key) !== f.sums.get(`${PATHS.certDir}/${main}.key`))
        changes.push({ kind: "command", summary: `install ${cert} as the certificate of ${main}`, argv: ["sh", "-c", INSTALL, "install", cert, key, PATHS.certDir, main, group], sudo: true, notify: [UNITS.prosody] });
    } else if (!f.present.get(main)) {
      changes.push({ kind: "command", summary: `generate a self-signed certificate for ${main}`, argv: ["sh", "-c", GENERATE, "cert", PATHS.certDir, main, group], sudo: true, notify: [UNITS.prosody] });
    }
    if (!f.present.get(auth))
      changes.push({ kind: "command", summary: `generate a self-signed certificate for ${auth}`, argv: ["sh", "-c", GENERATE, "cert", PATHS.certDir, auth, group], sudo: true, notify: [UNITS.prosody] });
    return { changes, reason: `certificates for ${main} and ${auth} in place` };
  },
};
