// Every task's name and title in run order: what `provision tasks`, --only and --skip need, without loading a task
// (each task module brings its renderers and parsers). tasks/index.ts holds the tasks themselves, in this order.
import type { Role } from "../src/inventory-types.js";

// `roles`: the hosts a task runs on (default: main hosts only); a videobridge host gets only what a bridge needs.
export const CATALOG = [
  { name: "preflight", title: "check the host is Arch Linux with passwordless sudo", roles: ["main", "videobridge"] },
  { name: "bootstrap", title: "install yay and the Jitsi stack", roles: ["main", "videobridge"] },
  { name: "packages", title: "Lua libraries for the token plugins" },
  { name: "certificates", title: "TLS certificates for the domain and auth domain" },
  { name: "prosody", title: "Prosody: token-authenticated domain, guest domain, conference and focus components" },
  { name: "jicofo", title: "jicofo: JWT authentication and XMPP client" },
  { name: "videobridge", title: "jitsi-videobridge: XMPP login and brewery", roles: ["main", "videobridge"] },
  { name: "accounts", title: "XMPP accounts for jicofo and the videobridges" },
  { name: "jitsi-meet", title: "jitsi-meet: guest domain and XMPP endpoints in config.js" },
  { name: "nginx", title: "nginx: the web app over HTTPS, BOSH and WebSocket proxied to Prosody" },
  { name: "restart", title: "restart what changed", roles: ["main", "videobridge"] },
  { name: "verify", title: "verify tokens open rooms and everything else is refused" },
  { name: "bridges", title: "verify every videobridge of the deployment is in the brewery and operational for jicofo" },
] as const;

export type TaskName = (typeof CATALOG)[number]["name"];

/** The roles a task runs on. */
export function rolesOf(name: string): readonly Role[] {
  const entry = CATALOG.find((t) => t.name === name) as { roles?: readonly Role[] } | undefined;
  return entry?.roles ?? ["main"];
}

/** The title a task shows in progress and in `provision tasks`. */
export function titleOf(name: TaskName): string {
  return CATALOG.find((t) => t.name === name)!.title;
}
