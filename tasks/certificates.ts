// Certificates for the domain and auth.<domain> in /etc/prosody/certs: self-signed when missing, or the operator's files.
import { HostError, PendingChangeError } from "../src/errors.js";
import type { Inventory } from "../src/inventory-types.js";
import { certificates as certFiles, type CertState } from "../src/facts/certificates.js";
import { serviceAccount, type ServiceAccount } from "../src/facts/service-account.js";
import { GENERATE_CERT, INSTALL_CERT } from "../src/change-scripts.js";
import type { Change, Task } from "../src/task.js";
import { PATHS, UNITS } from "../src/platform.js";
import { titleOf } from "./catalog.js";

/** The main domain's certificate serves XMPP (Prosody) and HTTPS (the nginx site points at the same files). */
const MAIN_CERT_USERS = [UNITS.prosody, UNITS.nginx];

export interface CertFacts {
  certs: CertState;
  /** Prosody's account: its group must read the keys. */
  prosody: ServiceAccount;
}

function hosts(inv: Inventory): string[] {
  return [inv.jitsi.domain, `auth.${inv.jitsi.domain}`];
}

export const certificates: Task<CertFacts> = {
  name: "certificates",
  title: titleOf("certificates"),
  facts(inv) {
    const files = inv.tls.mode === "files" ? [inv.tls.cert!, inv.tls.key!, `${PATHS.certDir}/${inv.jitsi.domain}.crt`, `${PATHS.certDir}/${inv.jitsi.domain}.key`] : [];
    return { certs: certFiles(PATHS.certDir, hosts(inv), files), prosody: serviceAccount(UNITS.prosody) };
  },
  plan(inv, f) {
    const changes: Change[] = [];
    const [main, auth] = hosts(inv) as [string, string];
    const group = f.prosody.group;
    const { present, sums } = f.certs;
    if (!group)
      throw new PendingChangeError(`cannot tell which group ${UNITS.prosody}.service runs as (its unit sets no User=/Group= that exists on the host)`, ["prosody"], { where: inv.name, fix: "install prosody (the bootstrap task does), then run again" });
    if (inv.tls.mode === "files") {
      const cert = inv.tls.cert!;
      const key = inv.tls.key!;
      for (const file of [cert, key])
        if (sums.get(file) === "absent")
          throw new HostError(`TLS file ${file} does not exist on the host`, { where: inv.name, fix: "correct TLS_CERT / TLS_KEY, or use TLS_MODE=self-signed" });
      if (sums.get(cert) !== sums.get(`${PATHS.certDir}/${main}.crt`) || sums.get(key) !== sums.get(`${PATHS.certDir}/${main}.key`))
        changes.push({ kind: "command", summary: `install ${cert} as the certificate of ${main}`, argv: ["sh", "-c", INSTALL_CERT, "install", cert, key, PATHS.certDir, main, group], sudo: true, notify: MAIN_CERT_USERS });
    } else if (!present.get(main)) {
      changes.push({ kind: "command", summary: `generate a self-signed certificate for ${main}`, argv: ["sh", "-c", GENERATE_CERT, "cert", PATHS.certDir, main, group], sudo: true, notify: MAIN_CERT_USERS });
    }
    if (!present.get(auth))
      changes.push({ kind: "command", summary: `generate a self-signed certificate for ${auth}`, argv: ["sh", "-c", GENERATE_CERT, "cert", PATHS.certDir, auth, group], sudo: true, notify: [UNITS.prosody] });
    return { changes, reason: `certificates for ${main} and ${auth} in place` };
  },
};
