// Operator wording for what the server said: which config or service is missing, not a stack trace.
import type { SaslFailure, StanzaError } from "./stanza.js";
import { describeSaslFailure, describeStanzaError } from "./stanza.js";
import { VerifyError } from "./websocket.js";

/** Why a stream offers no usable ANONYMOUS login on `to` (undefined when ANONYMOUS is offered). */
export function mechanismProblem(mechanisms: string[], to: string, domain: string, guestDomain: string): string | undefined {
  if (mechanisms.includes("ANONYMOUS")) return undefined;
  if (mechanisms.length === 0) {
    if (to === guestDomain) {
      return `no SASL mechanisms on ${to}: VirtualHost "${to}" needs authentication = "jitsi-anonymous" (or Prosody thinks the websocket is insecure: consider_websocket_secure = true)`;
    }
    return `no SASL mechanisms on ${to}: the token auth provider is not loaded (app_id/app_secret or a Lua library missing?), or Prosody thinks the websocket is insecure (consider_websocket_secure = true)`;
  }
  const offered = mechanisms.join(", ");
  if (to === domain) {
    return `ANONYMOUS is not offered on ${to} (offered: ${offered}): VirtualHost "${to}" needs authentication = "token" (typo "authentification"?)`;
  }
  return `ANONYMOUS is not offered on ${to} (offered: ${offered}): VirtualHost "${to}" needs authentication = "jitsi-anonymous"`;
}

/** Why Prosody refused a token the inventory considers valid, with what to fix. */
export function validTokenRefused(f: SaslFailure, domain: string): string {
  const said = `Prosody refused a valid token on ${domain}: ${describeSaslFailure(f)}`;
  const text = (f.text ?? "").toLowerCase();
  let hint = "";
  if (text.includes("token required")) hint = "the token did not reach Prosody (mod_jitsi_session / ?token= handling)";
  else if (text.includes("invalid signature")) hint = "app_secret on the host differs from the inventory's JWT secret";
  else if (text.includes("'iss'")) hint = "asap_accepted_issuers / app_id on the host differ from the inventory's JWT app id";
  else if (text.includes("'aud'")) hint = "asap_accepted_audiences on the host does not accept the inventory's audience";
  else if (text.includes("nbf") || text.includes("exp")) hint = "the host clock is off; synchronise it (timedatectl / NTP)";
  else if (text.includes("alg")) hint = "signature_algorithm on the host is not HS256";
  else if (text.includes("sub")) hint = "enable_domain_verification compares sub with the domain; check the VirtualHost name";
  return hint ? `${said} (${hint})` : said;
}

/** Why focus did not give a token user (or a guest joining an open room) a ready conference. */
export function conferenceProblem(e: StanzaError, domain: string, who: "token user" | "guest"): string {
  const said = describeStanzaError(e);
  switch (e.condition) {
    case "service-unavailable":
      return `jicofo is not connected to Prosody (focus.${domain} has no focus presence): ${said}`;
    case "item-not-found":
    case "remote-server-not-found":
    case "recipient-unavailable":
      return `focus.${domain} does not answer (${said}): Component "focus.${domain}" "client_proxy" is missing or jicofo is not subscribed`;
    case "not-authorized":
      return who === "token user"
        ? `jicofo refused the token user: ${said} (jicofo authentication login-url must be "${domain}")`
        : `jicofo refused the guest for an open room: ${said}`;
    case "not-acceptable":
      return `jicofo refused the conference request: ${said}`;
    default:
      return `focus.${domain} answered with an error: ${said}`;
  }
}

/** Why a MUC join failed where it should have succeeded. */
export function joinProblem(e: StanzaError, room: string, domain: string, who: "token user" | "guest"): string {
  const said = describeStanzaError(e);
  const app = e.app?.name ?? "";
  if (app === "room-does-not-exist" || e.condition === "item-not-found") {
    return `joining ${room} failed: ${said} (muc_mapper_domain_base = "${domain}" missing, or jicofo did not create the room)`;
  }
  if (who === "guest" && (app === "room-name-does-not-match" || e.condition === "not-allowed")) {
    return `guests are refused by token_verification: ${said} (set enable_domain_verification = false on VirtualHost "${domain}", or allowlist the guest domain)`;
  }
  if (app === "room-mismatch" || app === "room-name-does-not-match") {
    return `token_verification refused a matching token: ${said} (check that the token's sub/room match the domain)`;
  }
  return `joining ${room} failed: ${said}`;
}

/** A thrown error as one operator line (VerifyErrors are already worded; anything else is an internal error). */
export function describeThrown(e: unknown): string {
  if (e instanceof VerifyError) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return `internal error in the verifier: ${msg}`;
}
