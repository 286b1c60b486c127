// jitsi-videobridge: its XMPP client connection (login jvb@auth.<domain>, the brewery MUC) in our own file that jvb.conf
// includes last, with a password the accounts task registers in Prosody.
import type { Inventory } from "../src/inventory-types.js";
import { PATHS, UNITS } from "../src/platform.js";
import { editJvbConf, existingJvbPassword, JVB_USERNAME, renderJvbProvision } from "../src/render/jvb.js";
import { includedConfTask, type IncludedConfFacts } from "./included-conf.js";
import { titleOf } from "./catalog.js";

export const JVB_CONF = PATHS.jvbConf;
export const JVB_PROVISION_CONF = PATHS.jvbProvisionConf;

export type VideobridgeFacts = IncludedConfFacts;

export const videobridge = includedConfTask({
  name: "videobridge",
  title: titleOf("videobridge"),
  unit: UNITS.videobridge,
  pkg: "jitsi-videobridge",
  conf: JVB_CONF,
  ours: JVB_PROVISION_CONF,
  handoff: "jvbPassword",
  existingPassword: existingJvbPassword,
  render: (inv: Inventory, password: string) => renderJvbProvision({ domain: inv.jitsi.domain, prosodyAddress: inv.jitsi.prosodyAddress, password }),
  editConf: editJvbConf,
  does: (inv) => `logs the bridge in as ${JVB_USERNAME}@auth.${inv.jitsi.domain}`,
});
