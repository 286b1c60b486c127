// What an Arch Linux host with the AUR Jitsi packages calls things: packages, units, paths. The one place that
// knows them (like an Ansible role's vars/Archlinux.yml); tasks, renderers and the verifier import from here.
// Users and groups are not here: they differ between package releases, so they are read from each unit on the
// host (see src/facts/service-account.ts). Sources: docs/arch.md.

/** Packages the bootstrap installs, in install order (official repos and the AUR). */
export const PACKAGES = ["prosody", "lua-sec", "nginx", "jitsi-meet-prosody", "jicofo", "jitsi-videobridge", "jitsi-meet"] as const;

/** The services, by role. */
export const UNITS = {
  prosody: "prosody",
  jicofo: "jicofo",
  videobridge: "jitsi-videobridge",
  nginx: "nginx",
} as const;

/** Restart order: Prosody first (jicofo and the bridge log in to it), the bridge after jicofo, nginx last. */
export const UNIT_ORDER: readonly string[] = [UNITS.prosody, UNITS.jicofo, UNITS.videobridge, UNITS.nginx];

/** What each role installs and runs: a videobridge host only the bridge. */
export const ROLE_STACK = {
  main: { packages: PACKAGES as readonly string[], units: UNIT_ORDER },
  videobridge: { packages: ["jitsi-videobridge"] as readonly string[], units: [UNITS.videobridge] as readonly string[] },
} as const;

export const PATHS = {
  prosodyMain: "/etc/prosody/prosody.cfg.lua",
  prosodyConfD: "/etc/prosody/conf.d",
  /** Certificates Prosody and nginx use: <domain>.crt/.key and auth.<domain>.crt/.key. */
  certDir: "/etc/prosody/certs",
  /** Jitsi's Prosody plugins (AUR jitsi-meet-prosody); the inventory's PROSODY_PLUGIN_DIR overrides it. */
  pluginDir: "/usr/lib/jitsi-meet-prosody",
  jicofoConf: "/etc/jicofo/jicofo.conf",
  jvbConf: "/etc/jitsi-videobridge/jvb.conf",
  /** The bridge's legacy properties (SC_HOME in the AUR's /etc/jitsi-videobridge/config): its XMPP users win over jvb.conf's. */
  jvbSipProperties: "/etc/jitsi-videobridge/sip-communicator.properties",
  /** provision's own files, included last by jicofo.conf and jvb.conf (docs/hocon.md). */
  jicofoProvisionConf: "/etc/jicofo/provision.conf",
  jvbProvisionConf: "/etc/jitsi-videobridge/provision.conf",
  configJs: "/etc/webapps/jitsi-meet/config.js",
  webRoot: "/usr/share/webapps/jitsi-meet",
  nginxConf: "/etc/nginx/nginx.conf",
  nginxSites: "/etc/nginx/sites-enabled",
} as const;

/**
 * Variant packages of the Jitsi stack in the AUR that provision does not manage. The -nightly (and -nightly-bin)
 * builds neither provide nor conflict with the regular packages: they install beside them under other paths and
 * unit names (/etc/jicofo-nightly, jicofo-nightly.service, /usr/lib/jitsi-meet-prosody-nightly), so the host
 * would run two stacks. -git builds and the retired jitsi-meet-stable / jitsi-meet-prosody-plugins use older
 * layouts (/etc/jitsi/…, /usr/share/jitsi-meet-prosody-plugins). A host with one is refused before any change,
 * naming it. The -bin packages (jicofo-bin, jitsi-videobridge-bin, jitsi-meet-bin, jitsi-meet-prosody-bin) are
 * fine: they provide the regular package's name and use its paths and units. Sources: docs/arch.md.
 */
export const UNMANAGED_VARIANT = /^(?:(?:jicofo|jitsi-videobridge|jitsi-meet|jitsi-meet-prosody)-(?:nightly|nightly-bin|git)|jitsi-meet-stable|jitsi-meet-prosody-plugins)$/;

/** The regular package a variant stands for. */
export function regularPackage(variant: string): string {
  if (variant === "jitsi-meet-stable") return "jitsi-meet";
  if (variant === "jitsi-meet-prosody-plugins") return "jitsi-meet-prosody";
  return variant.replace(/-(?:nightly-bin|nightly|git)$/, "");
}

/** The unmanaged variant packages among the installed ones. */
export function variantPackages(installed: Iterable<string>): string[] {
  return [...installed].filter((p) => UNMANAGED_VARIANT.test(p)).sort();
}
