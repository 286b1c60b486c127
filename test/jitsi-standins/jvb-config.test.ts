// The videobridge stand-in reads its XMPP logins as jvb does: legacy `org.jitsi.videobridge.xmpp.user.<id>.*` lines of
// sip-communicator.properties, when any exist, instead of jvb.conf's `configs` (XmppClientConnectionConfig.kt).
import { describe, expect, it } from "vitest";

const CONFIG = new URL("../sandbox/packages/jitsi-videobridge/files/usr/lib/jitsi-videobridge/lib/config.mjs", import.meta.url).href;

describe("videobridge stand-in: legacy XMPP users", () => {
  it("reads every id's keys from key=value lines, skipping comments (so provision's commented-out lines count for nothing)", async () => {
    const { legacyXmppUsers } = (await import(CONFIG)) as { legacyXmppUsers(text: string): { id: string; hostname?: string; username?: string; complete: boolean }[] };
    const shipped = [
      "org.ice4j.ice.harvest.DISABLE_AWS_HARVESTER=true",
      "org.jitsi.videobridge.xmpp.user.shard.HOSTNAME=localhost",
      "org.jitsi.videobridge.xmpp.user.shard.DOMAIN=auth.jitsi-meet.example.org",
      "org.jitsi.videobridge.xmpp.user.shard.USERNAME=jvb",
      "org.jitsi.videobridge.xmpp.user.shard.PASSWORD=__PASSWORD__",
      "org.jitsi.videobridge.xmpp.user.shard.MUC_JIDS=JvbBrewery@internal.auth.jitsi-meet.example.org",
      "org.jitsi.videobridge.xmpp.user.shard.MUC_NICKNAME=__RANDOM_UUID__",
    ].join("\n");
    expect(legacyXmppUsers(shipped)).toMatchObject([{ id: "shard", hostname: "localhost", username: "jvb", complete: true }]);
    expect(legacyXmppUsers(shipped.replace(/^org\.jitsi\.videobridge\.xmpp/gm, "# disabled: org.jitsi.videobridge.xmpp"))).toEqual([]);
  });
});
