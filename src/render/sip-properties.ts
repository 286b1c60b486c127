// jitsi-videobridge's legacy sip-communicator.properties: its `org.jitsi.videobridge.xmpp.user.<id>.*` lines, when
// any exist, win over every connection in jvb.conf (XmppClientConnectionConfig.kt reads the legacy config first;
// docs/jitsi.md, "Bridges on their own hosts"). The AUR package ships a `shard` connection there with placeholder
// values, so the bridge would log in with those and never with ours: each such line is commented out, the rest kept.

/** The marker a line we commented out starts with. */
export const DISABLED = "# disabled by provision (its XMPP login is in jvb.conf's provision.conf): ";

const LEGACY = /^\s*org\.jitsi\.videobridge\.xmpp\.user\./;

/** `text` with every legacy XMPP user line commented out (behind DISABLED); unchanged when there is none. */
export function disableLegacyXmppUsers(text: string): string {
  return text
    .split("\n")
    .map((line) => (LEGACY.test(line) ? `${DISABLED}${line}` : line))
    .join("\n");
}
