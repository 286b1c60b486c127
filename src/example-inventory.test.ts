// inventory/example.env copied for a host serves that host, and the README's secrets recipe never
// leaves the secret readable to others or prints it.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INVENTORY_KEYS, loadInventory } from "./inventory.js";

const EXAMPLE = new URL("../inventory/example.env", import.meta.url);
const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("inventory/example.env", () => {
  it("copied as inventory/<name>.env, connects to and serves <name> (keys that default to the name are commented out)", () => {
    const dir = mkdtempSync(join(tmpdir(), "example-inv-"));
    try {
      copyFileSync(EXAMPLE, join(dir, "jitsi.other.net.env"));
      writeFileSync(join(dir, "jitsi.other.net.secrets.env"), "JWT_APP_SECRET=example-test-FAKE-secret-0123456789abcdef\n", { mode: 0o600 });
      const inv = loadInventory("jitsi.other.net", { dir, env: {} });
      expect(inv.ssh.host).toBe("jitsi.other.net");
      expect(inv.jitsi.domain).toBe("jitsi.other.net");
      expect(inv.jitsi.guestDomain).toBe("guest.jitsi.other.net");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const text = readFileSync(EXAMPLE, "utf8");
    expect(text).toMatch(/^#SSH_HOST=/m);
    expect(text).toMatch(/^#JITSI_DOMAIN=/m);
    expect(text).not.toMatch(/^(SSH_HOST|JITSI_DOMAIN)=/m);
  });
});

describe("inventory/example.env documents", () => {
  const text = readFileSync(EXAMPLE, "utf8");

  it("every key the inventory understands, and no other", () => {
    const shown = [...text.matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...new Set(shown)].sort()).toEqual(Object.keys(INVENTORY_KEYS).sort());
  });

  it("the files in precedence order, and which keys a videobridge host reads", () => {
    const order = ["inventory/defaults.env", "inventory/groups/<GROUP>.env", "inventory/<name>.env", "inventory/<name>.secrets.env", "the process environment"].map((f) => text.indexOf(`\n#   ${f} `));
    expect(order.every((i, n) => i > 0 && (n === 0 || i > order[n - 1]!))).toBe(true);
    expect(text).toMatch(/A videobridge host reads\n# only ROLE, GROUP, the SSH keys, JITSI_DOMAIN, XMPP_SERVER and the JVB_\* keys/);
  });

  it("copied as a videobridge host with ROLE and JITSI_DOMAIN set, needs nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "example-inv-"));
    try {
      writeFileSync(join(dir, "jvb1.env"), text.replace("#ROLE=main", "ROLE=videobridge").replace("#JITSI_DOMAIN=meet.example.org", "JITSI_DOMAIN=meet.example.org").replace(/^JWT_APP_ID=.*$/m, ""));
      const inv = loadInventory("jvb1", { dir, env: {} });
      expect(inv).toMatchObject({ role: "videobridge", bridge: { nickname: "jvb1", xmppServer: "meet.example.org" } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("creating the secrets file", () => {
  const real = README.slice(README.indexOf("## Using it on a real host"), README.indexOf("## What a run does"));
  const commands = [...real.split("\n"), ...readFileSync(EXAMPLE, "utf8").split("\n")].filter((l) => /JWT_APP_SECRET=.*openssl rand/.test(l));

  it("is done under umask 077, the secret never on the terminal, never chmod after the fact", () => {
    expect(commands.length).toBeGreaterThanOrEqual(2); // the README's and example.env's
    for (const c of commands) {
      expect(c).toMatch(/\(umask 077; printf 'JWT_APP_SECRET=%s\\n' "\$\(openssl rand -base64 48\)" > inventory\/[^ ]+\.secrets\.env\)$/);
      expect(c).not.toMatch(/chmod|\$_|\btee\b|^\s*#?\s*echo/);
    }
    expect(real).not.toMatch(/chmod 600/);
  });
});
