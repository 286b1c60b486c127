// Test helper: a complete inventory for task tests.
import type { Inventory } from "../../../src/inventory-types.js";

/** An inventory for meet.example.org with a fixed fake secret; override what a test needs. */
export function testInventory(over: Partial<Inventory> = {}): Inventory {
  return {
    name: "meet",
    role: "main",
    bridge: { nickname: "jvb-test", xmppServer: "127.0.0.1" },
    bridges: [],
    ssh: { host: "meet.example.org", port: 22, user: "arch", knownHosts: "/dev/null", connectTimeoutMs: 1000, commandTimeoutMs: 1000 },
    jitsi: { domain: "meet.example.org", guestDomain: "guest.meet.example.org", prosodyAddress: "127.0.0.1", pluginDir: "/usr/lib/jitsi-meet-prosody" },
    jwt: { appId: "app", appSecret: "task-test-FAKE-secret-0123456789abcdef", audience: "jitsi" },
    tls: { mode: "self-signed" },
    ...over,
  };
}
