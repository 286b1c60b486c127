// The typed, validated inventory of one host (see inventory/example.env for every key).

export interface Inventory {
  /** Inventory name (file inventory/<name>.env). */
  name: string;
  ssh: {
    host: string;
    port: number;
    user: string;
    /** Private key path, or undefined to use the SSH agent. */
    key?: string;
    knownHosts: string;
    connectTimeoutMs: number;
    commandTimeoutMs: number;
    /** Jump hosts (SSH_PROXY_JUMP, or ProxyJump in the SSH config), in the order they are passed through. */
    jump?: { host: string; port: number; user: string; key?: string }[];
  };
  jitsi: {
    /** Main XMPP domain, lower-case hostname. */
    domain: string;
    /** Anonymous guest domain (default guest.<domain>). */
    guestDomain: string;
    /** Address Prosody listens on, as seen from the host itself (jicofo's hostname, the verifier's tunnel). */
    prosodyAddress: string;
    /** Address nginx listens on (undefined: every address). */
    webAddress?: string;
    /** Where the Jitsi Prosody plugins live (AUR jitsi-meet-prosody: /usr/lib/jitsi-meet-prosody). */
    pluginDir: string;
  };
  jwt: {
    appId: string;
    /** Secret: never logged, never in argv. */
    appSecret: string;
    /** The `aud` claim minted and accepted. */
    audience: string;
  };
  /** Lua version override ("5.4", "5.2"...); undefined = detect from Prosody. */
  luaVersion?: string;
  tls: {
    /** self-signed: generate when missing; files: use the files named below. */
    mode: "self-signed" | "files";
    cert?: string;
    key?: string;
  };
}
