// jicofo: JWT authentication against the main domain and its XMPP client settings, in our own file that jicofo.conf
// includes last (keeping the focus password already set).
import type { Inventory } from "../src/inventory-types.js";
import { PATHS, UNITS } from "../src/platform.js";
import { editJicofoConf, existingFocusPassword, renderJicofoProvision } from "../src/render/jicofo.js";
import { includedConfTask, type IncludedConfFacts } from "./included-conf.js";
import { titleOf } from "./catalog.js";

export const JICOFO_CONF = PATHS.jicofoConf;
export const JICOFO_PROVISION_CONF = PATHS.jicofoProvisionConf;

export type JicofoFacts = IncludedConfFacts;

export const jicofo = includedConfTask({
  name: "jicofo",
  title: titleOf("jicofo"),
  unit: UNITS.jicofo,
  pkg: "jicofo",
  conf: JICOFO_CONF,
  ours: JICOFO_PROVISION_CONF,
  handoff: "focusPassword",
  existingPassword: existingFocusPassword,
  render: (inv: Inventory, focusPassword: string) => renderJicofoProvision({ domain: inv.jitsi.domain, prosodyAddress: inv.jitsi.prosodyAddress, focusPassword }),
  editConf: editJicofoConf,
  does: (inv) => `has JWT authentication for ${inv.jitsi.domain}`,
});
