// jitsi-videobridge: its XMPP client connection (the login, the brewery MUC and its nickname there), its media port and,
// behind NAT, its public address, in our own file that jvb.conf includes last. The main host's own bridge logs in as
// jvb@auth.<domain> with a password kept on the host (the accounts task registers it); a videobridge host logs in to
// its main host's Prosody as jvb-<name>@auth.<domain>, its password derived from the deployment's secret
// (src/bridge-account.ts), which the main host's accounts task registers.
import { HostError } from "../src/errors.js";
import { bridgeAccount, bridgePassword } from "../src/bridge-account.js";
import { localAddress } from "../src/facts/local-address.js";
import type { Inventory } from "../src/inventory-types.js";
import { isIP } from "node:net";
import { PATHS, UNITS } from "../src/platform.js";
import { editJvbConf, existingJvbPassword, JVB_USERNAME, renderJvbProvision } from "../src/render/jvb.js";
import { disableLegacyXmppUsers } from "../src/render/sip-properties.js";
import { includedConfTask, type IncludedConfFacts } from "./included-conf.js";
import { titleOf } from "./catalog.js";

export const JVB_CONF = PATHS.jvbConf;
export const JVB_PROVISION_CONF = PATHS.jvbProvisionConf;

export type VideobridgeFacts = IncludedConfFacts;

/** The account this host's bridge logs in with. */
export function jvbUsername(inv: Inventory): string {
  return inv.role === "videobridge" ? bridgeAccount(inv.name) : JVB_USERNAME;
}

/** Behind NAT (JVB_PUBLIC_ADDRESS set): the local address (JVB_LOCAL_ADDRESS, else the host's own source address of that family). */
function nat(inv: Inventory, routeSource: unknown): { localAddress: string; publicAddress: string } | undefined {
  const pub = inv.bridge.publicAddress;
  if (!pub) return undefined;
  const local = inv.bridge.localAddress ?? (typeof routeSource === "string" ? routeSource : undefined);
  if (!local)
    throw new HostError(`cannot tell the local address that JVB_PUBLIC_ADDRESS ${pub} maps to (the host has no IPv${isIP(pub)} default route)`, {
      where: inv.name,
      fix: "set JVB_LOCAL_ADDRESS in the inventory to the host's address behind the NAT",
    });
  return { localAddress: local, publicAddress: pub };
}

export const videobridge = includedConfTask({
  name: "videobridge",
  title: titleOf("videobridge"),
  unit: UNITS.videobridge,
  pkg: "jitsi-videobridge",
  conf: JVB_CONF,
  ours: JVB_PROVISION_CONF,
  handoff: "jvbPassword",
  existingPassword: existingJvbPassword,
  fixedPassword: (inv) => (inv.role === "videobridge" ? bridgePassword(inv.jwt.appSecret, bridgeAccount(inv.name), inv.jitsi.domain) : undefined),
  extraFact: (inv) => (inv.bridge.publicAddress && !inv.bridge.localAddress ? localAddress(isIP(inv.bridge.publicAddress) === 6 ? 6 : 4) : undefined),
  render: (inv, password, routeSource) =>
    renderJvbProvision({
      domain: inv.jitsi.domain,
      xmppServer: inv.role === "videobridge" ? inv.bridge.xmppServer : inv.jitsi.prosodyAddress,
      username: jvbUsername(inv),
      password,
      nickname: inv.bridge.nickname,
      nat: nat(inv, routeSource),
    }),
  editConf: editJvbConf,
  alsoEdits: { path: PATHS.jvbSipProperties, edit: disableLegacyXmppUsers, why: `no legacy XMPP login in ${PATHS.jvbSipProperties} (it would win over ours)` },
  does: (inv) =>
    `logs the bridge in as ${jvbUsername(inv)}@auth.${inv.jitsi.domain}${inv.role === "videobridge" ? ` at ${inv.bridge.xmppServer}` : ""} and joins the brewery as ${inv.bridge.nickname}${inv.bridge.publicAddress ? `, media announced at ${inv.bridge.publicAddress}` : ""}`,
});
