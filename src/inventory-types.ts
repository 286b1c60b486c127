// The typed, validated inventory of one host (see inventory/example.env for every key).

/** What a host is in its deployment: the main Jitsi host, or a videobridge on its own machine. */
export type Role = "main" | "videobridge";

/** A videobridge on its own host, as its deployment's main host expects it (from the inventory, never from memory). */
export interface BridgeRef {
  /** Inventory name of the bridge host. */
  name: string;
  /** Its nickname in the brewery MUC (unique in the deployment). */
  nickname: string;
  /** Its XMPP account's local part on auth.<domain> (jvb-<name>). */
  account: string;
}

export interface Inventory {
  /** Inventory name (file inventory/<name>.env). */
  name: string;
  /** ROLE (default main). */
  role: Role;
  /** GROUP: the group file (inventory/groups/<group>.env) this host reads, if any. */
  group?: string;
  /** The bridge this host runs (the main host's own, or a videobridge host's). */
  bridge: {
    /** JVB_NICKNAME: its nickname in the brewery (default: the inventory name). */
    nickname: string;
    /** XMPP_SERVER: the address the bridge reaches the main host's Prosody at (main: PROSODY_ADDRESS; videobridge: default JITSI_DOMAIN). */
    xmppServer: string;
    /** JVB_PUBLIC_ADDRESS: the public IP address media is announced at (NAT); undefined: the host's own addresses. */
    publicAddress?: string;
    /** JVB_LOCAL_ADDRESS: the local address behind the NAT that maps to publicAddress (default: read from the host). */
    localAddress?: string;
  };
  /** main: the videobridge hosts of this deployment in the inventory (ROLE=videobridge, same JITSI_DOMAIN), by name. */
  bridges: BridgeRef[];
  /** videobridge: the inventory name of its deployment's main host. */
  main?: string;
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
  /** A videobridge host's are its main host's (it mints nothing; its XMPP password is derived from the secret). */
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
