// A videobridge host's XMPP account on its main host's Prosody: one account per bridge (jvb-<name>@auth.<domain>),
// its password derived from the deployment's JWT secret, so the main host (which registers it) and the bridge host
// (which logs in with it) agree without either reading the other, and no new secret has to be kept anywhere.
import { createHmac } from "node:crypto";
import type { BridgeRef, Inventory } from "./inventory-types.js";

/** The account a videobridge host logs in with: jvb-<inventory name, lower case>. */
export function bridgeAccount(name: string): string {
  return `jvb-${name.toLowerCase()}`;
}

/**
 * The password of `account`@auth.<domain>: HMAC-SHA256 of the deployment's JWT secret over a label naming the
 * account and domain (base64url, 43 characters). Rotating JWT_APP_SECRET rotates every bridge's password: the next
 * run over the main host and its bridges sets both sides.
 */
export function bridgePassword(appSecret: string, account: string, domain: string): string {
  return createHmac("sha256", appSecret).update(`provision videobridge account ${account}@auth.${domain}`).digest("base64url");
}

/** The remote bridges a main host registers accounts for, each with its password. */
export function bridgeCredentials(inv: Inventory): (BridgeRef & { password: string })[] {
  return inv.bridges.map((b) => ({ ...b, password: bridgePassword(inv.jwt.appSecret, b.account, inv.jitsi.domain) }));
}
