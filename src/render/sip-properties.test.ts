import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DISABLED, disableLegacyXmppUsers } from "./sip-properties.js";

const SHIPPED = readFileSync(new URL("../../test/sandbox/packages/jitsi-videobridge/files/etc/jitsi-videobridge/sip-communicator.properties", import.meta.url), "utf8");

describe("disableLegacyXmppUsers", () => {
  it("comments out the package's legacy shard connection, keeps every other line, and is idempotent", () => {
    const out = disableLegacyXmppUsers(SHIPPED);
    const lines = out.split("\n");
    expect(lines.filter((l) => /^\s*org\.jitsi\.videobridge\.xmpp\.user\./.test(l))).toEqual([]);
    expect(lines.filter((l) => l.startsWith(DISABLED))).toHaveLength(6);
    expect(out).toContain("org.ice4j.ice.harvest.STUN_MAPPING_HARVESTER_ADDRESSES=meet-jit-si-turnrelay.jitsi.net:443\n");
    expect(disableLegacyXmppUsers(out)).toBe(out);
    expect(out.replaceAll(DISABLED, "")).toBe(SHIPPED);
  });

  it("changes nothing in a file without legacy connections", () => {
    const text = "org.jitsi.videobridge.ENABLE_STATISTICS=true\n# org.jitsi.videobridge.xmpp.user.x.HOSTNAME=a\n";
    expect(disableLegacyXmppUsers(text)).toBe(text);
  });
});
