// The verifier can fail (docs/failure-modes.md #3, #6-#10). Each misconfiguration, applied to a provisioned sandbox host, makes
// `provision verify` fail and name the right check; the next `provision` run repairs it.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { provision, readReport } from "./helpers.js";

const NAME = "mu";
const DOMAIN = `${NAME}.sandbox.test`;
const INCLUDE = `/etc/prosody/conf.d/${DOMAIN}.cfg.lua`;
const tmp = mkdtempSync(join(tmpdir(), "provision-mutations-"));

interface Mutation {
  what: string;
  /** Shell run as root on the host, then the named service restarted. */
  apply: string;
  restart: string;
  /** The check that must fail, and words its detail must contain. */
  check: string;
  says: RegExp;
}

const MUTATIONS: Mutation[] = [
  { what: "jicofo authentication disabled", apply: "sed -i 's/^jicofo\\.authentication\\.enabled = true$/jicofo.authentication.enabled = false/' /etc/jicofo/provision.conf && grep -qx 'jicofo.authentication.enabled = false' /etc/jicofo/provision.conf", restart: "jicofo", check: "guest-cannot-open", says: /guests can create rooms/ },
  { what: "allow_empty_token = true", apply: `sed -i 's/allow_empty_token = false/allow_empty_token = true/' ${INCLUDE}`, restart: "prosody", check: "no-token-refused", says: /logged in/ },
  { what: "token_verification missing from the conference component", apply: `sed -i 's/; "token_verification"//' ${INCLUDE}`, restart: "prosody", check: "room-scoped", says: /token_verification is not enforced/ },
  { what: "another app_secret in Prosody than in the inventory", apply: `sed -i 's/^\\(\\s*app_secret = \\).*/\\1"some-other-secret-0123456789-abcdefgh"/' ${INCLUDE}`, restart: "prosody", check: "token-opens-room", says: /Invalid signature/ },
  { what: "anonymousdomain missing from config.js", apply: "sed -i '/^\\s*anonymousdomain:/d' /etc/webapps/jitsi-meet/config.js", restart: "nginx", check: "guest-joins-opened", says: /no hosts\.anonymousdomain/ },
  { what: "the guest VirtualHost missing", apply: `sed -i '/^VirtualHost "guest\\./,/^$/d' ${INCLUDE}`, restart: "prosody", check: "guest-joins-opened", says: /guest/ },
  { what: "nginx proxying /xmpp-websocket to the wrong place", apply: `sed -i 's#/xmpp-websocket?prefix#/no-such-path?prefix#' /etc/nginx/sites-enabled/${DOMAIN}.conf`, restart: "nginx", check: "web-path", says: /through nginx/ },
  { what: "muc_mapper_domain_base missing", apply: `sed -i '/^muc_mapper_domain_base/d' ${INCLUDE}`, restart: "prosody", check: "token-opens-room", says: /room-does-not-exist|muc_mapper_domain_base/ },
];

let h: SandboxHost;
beforeAll(async () => {
  h = await upHost(NAME, { state: "jitsi-installed" });
  const r = await provision(["--host", NAME]);
  expect(r.code, r.all).toBe(0);
});
afterAll(async () => {
  await h?.down();
});

describe("provision verify fails and names the check", () => {
  for (const m of MUTATIONS) {
    it(m.what, async () => {
      const applied = await h.exec(`${m.apply} && systemctl restart ${m.restart}`);
      expect(applied.code, applied.stderr).toBe(0);
      const report = join(tmp, `${m.check}.json`);
      const r = await provision(["verify", "--host", NAME, "--report", report]);
      expect(r.code, r.all).toBe(1);
      const results = readReport(report)[0]!.verification!;
      const failed = results.find((c) => c.name === m.check)!;
      expect(failed.ok, JSON.stringify(results, null, 1)).toBe(false);
      expect(failed.detail).toMatch(m.says);
      expect(r.stdout).toContain(m.check);
      // The next run puts the managed configuration back and proves it again.
      const repaired = await provision(["--host", NAME]);
      expect(repaired.code, repaired.all).toBe(0);
    });
  }
});

describe("provision verify on a host that was never provisioned", () => {
  it("fails saying what is missing, without a stack trace", async () => {
    const bare = await upHost("mv", { state: "jitsi-installed" });
    try {
      const r = await provision(["verify", "--host", "mv"]);
      expect(r.code).toBe(1);
      expect(r.all).toMatch(/Prosody is not listening|not serving \/xmpp-websocket|no SASL mechanisms/);
      expect(r.all).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    } finally {
      await bare.down();
    }
  });
});
