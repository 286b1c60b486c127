// The certificates task's plan: which certificates it installs or generates, and whom each change restarts.
import { describe, expect, it } from "vitest";
import type { Inventory } from "../src/inventory-types.js";
import type { CommandChange, PlanEnv } from "../src/task.js";
import { certificates, type CertFacts } from "./certificates.js";

const base = {
  name: "meet.example.org",
  jitsi: { domain: "meet.example.org", guestDomain: "guest.meet.example.org", prosodyAddress: "127.0.0.1", pluginDir: "/p" },
} as Inventory;
const env: PlanEnv = { handoff: {}, notified: new Set(), random: () => "r", public: false };
const facts = (present: Record<string, boolean>, sums: Record<string, string>): CertFacts => ({
  certs: { present: new Map(Object.entries(present)), sums: new Map(Object.entries(sums)) },
  prosody: { user: "prosody", group: "prosody" },
});

describe("certificates plan", () => {
  it("a renewed Let's Encrypt certificate restarts Prosody and nginx (both serve it); nothing to do once in place", () => {
    const inv = { ...base, tls: { mode: "files", cert: "/le/fullchain.pem", key: "/le/privkey.pem" } } as Inventory;
    const installed = { "/etc/prosody/certs/meet.example.org.crt": "old", "/etc/prosody/certs/meet.example.org.key": "k" };
    const plan = certificates.plan(inv, facts({ "auth.meet.example.org": true }, { "/le/fullchain.pem": "new", "/le/privkey.pem": "k", ...installed }), env);
    expect(plan.changes.map((c) => (c as CommandChange).summary)).toEqual(["install /le/fullchain.pem as the certificate of meet.example.org"]);
    expect((plan.changes[0] as CommandChange).notify).toEqual(["prosody", "nginx"]);
    const same = certificates.plan(inv, facts({ "auth.meet.example.org": true }, { "/le/fullchain.pem": "old", "/le/privkey.pem": "k", ...installed }), env);
    expect(same.changes).toEqual([]);
  });

  it("a self-signed main certificate restarts Prosody and nginx; the auth domain's only Prosody", () => {
    const inv = { ...base, tls: { mode: "self-signed" } } as Inventory;
    const plan = certificates.plan(inv, facts({}, {}), env);
    expect(plan.changes.map((c) => (c as CommandChange).notify)).toEqual([["prosody", "nginx"], ["prosody"]]);
  });
});
