// Command-line flags of `npm run vm:rebuild` (pure).
import { parseArgs } from "node:util";
import { UsageError } from "../../src/errors.js";
import { checkDomain, DEFAULT_VM_DOMAIN } from "./inventory.js";

/** The providers the Vagrantfile configures (memory, CPUs). */
export const PROVIDERS = ["libvirt", "virtualbox"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** What vm:rebuild was asked to do. */
export interface RebuildOptions {
  /** undefined: let Vagrant choose its default provider. */
  provider?: Provider;
  domain: string;
  /** Skip `vagrant destroy -f`: reuse the running VM. */
  keep: boolean;
  help: boolean;
  /** Arguments after `--`, passed to provision after `--host vagrant`. */
  provisionArgs: string[];
}

/** The --help text. */
export const USAGE = `Usage: npm run vm:rebuild -- [options] [-- provision options]

Destroy the Vagrant test VM (box archlinux/archlinux, vagrant/Vagrantfile), boot a fresh one,
write inventory/vagrant.env + vagrant.known_hosts (+ vagrant.secrets.env once), then run
\`provision --host vagrant\` end to end and exit with its exit code.

Options:
  --provider <name>  libvirt or virtualbox (default: $VAGRANT_DEFAULT_PROVIDER, else Vagrant's choice)
  --domain <name>    Jitsi domain and VM hostname (default ${DEFAULT_VM_DOMAIN})
  --keep             do not destroy the VM first; reuse it if it exists
  -h, --help         show this help

Environment:
  PROVISION_INVENTORY_DIR  inventory directory (default ./inventory)
  PROVISION_BIN            provision executable to run (default: node dist/src/cli.js)
  PROVISION_VM_MEMORY, PROVISION_VM_CPUS, PROVISION_VM_IP, PROVISION_VM_HTTPS_PORT,
  PROVISION_VM_BOX_VERSION  VM settings, see vagrant/Vagrantfile
`;

/** Parse vm:rebuild's argv (without node and the script); VAGRANT_DEFAULT_PROVIDER is the fallback provider. */
export function parseRebuildArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): RebuildOptions {
  const dashdash = argv.indexOf("--");
  const own = dashdash === -1 ? argv : argv.slice(0, dashdash);
  const provisionArgs = dashdash === -1 ? [] : argv.slice(dashdash + 1);
  let values: { provider?: string; domain?: string; keep?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...own],
      strict: true,
      allowPositionals: false,
      options: {
        provider: { type: "string" },
        domain: { type: "string" },
        keep: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message, { fix: "see `npm run vm:rebuild -- --help`" });
  }
  const fromFlag = values.provider !== undefined;
  const provider = values.provider ?? (env.VAGRANT_DEFAULT_PROVIDER || undefined);
  if (provider !== undefined && !(PROVIDERS as readonly string[]).includes(provider))
    throw new UsageError(
      `${fromFlag ? "--provider" : "VAGRANT_DEFAULT_PROVIDER"} ${JSON.stringify(provider)} is not supported`,
      { fix: `use ${PROVIDERS.join(" or ")}: vagrant/Vagrantfile sets memory and CPUs for those only` },
    );
  return {
    provider: provider as Provider | undefined,
    domain: checkDomain(values.domain ?? DEFAULT_VM_DOMAIN),
    keep: values.keep ?? false,
    help: values.help ?? false,
    provisionArgs,
  };
}
