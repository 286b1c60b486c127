// Rebuild the Vagrant test VM and provision it from nothing: `npm run vm:rebuild -- --help`.
//
// destroy -> up -> ssh-config -> host key (through vagrant's own channel) -> inventory/vagrant.*
// -> `provision --host vagrant`, whose exit code becomes ours. Every vagrant command runs in
// vagrant/ with VAGRANT_CHECKPOINT_DISABLE=1. The pure parts live in scripts/vagrant/.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { $, which, type ProcessOutput } from "zx";
import { EXIT, ProvisionError } from "../src/errors.js";
import { parseRebuildArgs, USAGE, type RebuildOptions } from "./vagrant/args.js";
import { parseHostPublicKey } from "./vagrant/vm-host-key.js";
import { parseSshConfig, pickIdentityFile } from "./vagrant/ssh-config.js";
import { writeVagrantInventory } from "./vagrant/write-inventory.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const VAGRANT_DIR = join(ROOT, "vagrant");
const HOST_KEY_CMD = "cat /etc/ssh/ssh_host_ed25519_key.pub";

/** One progress line on stderr (stdout carries vagrant's and provision's own output). */
function step(text: string): void {
  process.stderr.write(`==> vm:rebuild: ${text}\n`);
}

/** Fail with the command, its exit code and the last lines of its error output. */
function commandFailed(what: string, out: ProcessOutput, fix: string): ProvisionError {
  const lines = out.stderr.split(/\r?\n/).filter((l) => l.trim() !== "").slice(-20);
  return new ProvisionError(`\`${what}\` failed (exit ${out.exitCode ?? out.signal})`, { where: VAGRANT_DIR, lines, fix });
}

/** Refuse early, naming what to install, when vagrant is not on PATH. */
async function requireVagrant(): Promise<string> {
  const bin = await which("vagrant", { nothrow: true });
  if (!bin)
    throw new ProvisionError("vagrant is not installed (not found on PATH)", {
      fix:
        "install Vagrant (https://developer.hashicorp.com/vagrant/install, or e.g. `apt-get install vagrant`) " +
        "and a provider: libvirt + the vagrant-libvirt plugin (`vagrant plugin install vagrant-libvirt`), or VirtualBox",
    });
  return bin;
}

/** Run the whole rebuild; resolves to the exit code. */
async function rebuild(opts: RebuildOptions): Promise<number> {
  await requireVagrant();
  const inventoryDir = resolve(process.env.PROVISION_INVENTORY_DIR || join(ROOT, "inventory"));
  // The chosen provider also goes into VAGRANT_DEFAULT_PROVIDER so that destroy and ssh-config pick the same one.
  const vagrantEnv: NodeJS.ProcessEnv = { ...process.env, VAGRANT_CHECKPOINT_DISABLE: "1", PROVISION_VM_HOSTNAME: opts.domain };
  if (opts.provider) vagrantEnv.VAGRANT_DEFAULT_PROVIDER = opts.provider;
  const streamed = $({ cwd: VAGRANT_DIR, env: vagrantEnv, stdio: "inherit", nothrow: true, quiet: true, verbose: false });
  const captured = $({ cwd: VAGRANT_DIR, env: vagrantEnv, stdio: ["ignore", "pipe", "pipe"], nothrow: true, quiet: true, verbose: false });

  if (opts.keep) {
    step("--keep: reusing the existing VM (no destroy)");
  } else {
    step("destroying the old VM (vagrant destroy -f)");
    const out = await streamed`vagrant destroy -f`;
    if (out.exitCode !== 0) throw commandFailed("vagrant destroy -f", out, "run `vagrant destroy -f` in vagrant/ by hand and look at its error");
  }

  const providerArgs = opts.provider ? ["--provider", opts.provider] : [];
  step(`booting the VM (vagrant up${opts.provider ? ` --provider ${opts.provider}` : ""}); the first run downloads the box`);
  const up = await streamed`vagrant up ${providerArgs}`;
  if (up.exitCode !== 0)
    throw commandFailed(`vagrant up ${providerArgs.join(" ")}`.trim(), up, "read vagrant's error above; check the provider is installed and working (`vagrant up --provider libvirt|virtualbox`)");

  step("reading vagrant ssh-config");
  const sshConfig = await captured`vagrant ssh-config`;
  if (sshConfig.exitCode !== 0) throw commandFailed("vagrant ssh-config", sshConfig, "check `vagrant status` in vagrant/");
  const parsed = parseSshConfig(sshConfig.stdout);
  const expand = (p: string) => (p.startsWith("~/") ? join(homedir(), p.slice(2)) : p);
  const cfg = { ...parsed, identityFile: expand(pickIdentityFile(parsed, (p) => existsSync(expand(p)))) };

  step("fetching the VM's host key through vagrant ssh");
  const keyOut = await captured`vagrant ssh --no-tty -c ${HOST_KEY_CMD}`;
  if (keyOut.exitCode !== 0) throw commandFailed(`vagrant ssh -c '${HOST_KEY_CMD}'`, keyOut, "check that the VM's sshd is running (`vagrant ssh`)");
  const hostKey = parseHostPublicKey(keyOut.stdout, `vagrant ssh -c '${HOST_KEY_CMD}'`);

  const written = await writeVagrantInventory(inventoryDir, cfg, `${hostKey.keyType} ${hostKey.key}`, { domain: opts.domain });
  const rel = (p: string) => {
    const r = relative(process.cwd(), p);
    return r === "" || r.startsWith("..") ? p : r;
  };
  step(`wrote ${rel(written.env)} (${cfg.user}@${cfg.host}:${cfg.port}) and ${rel(written.knownHosts)}`);
  step(`JWT secret ${written.secretGenerated ? "generated into" : "kept in"} ${rel(written.secrets)}`);

  const bin = process.env.PROVISION_BIN ? [process.env.PROVISION_BIN] : [process.execPath, join(ROOT, "dist", "src", "cli.js")];
  if (!process.env.PROVISION_BIN && !existsSync(bin[1]!))
    throw new ProvisionError(`provision is not built: ${bin[1]} is missing`, { fix: "run `npm run build` (npm run vm:rebuild does it for you)" });
  const provisionArgs = ["--host", "vagrant", ...opts.provisionArgs];
  step(`running provision ${provisionArgs.join(" ")}`);
  const env = { ...process.env, PROVISION_INVENTORY_DIR: inventoryDir };
  const run = await $({ cwd: ROOT, env, stdio: "inherit", nothrow: true, quiet: true, verbose: false })`${bin} ${provisionArgs}`;
  const code = run.exitCode ?? EXIT.FAILED;
  step(code === 0 ? "done: the VM is provisioned and verified" : `provision exited with ${code}`);
  return code;
}

/** Entry point: parse flags, run, turn errors into an exit code (the only place that sets it). */
async function main(): Promise<void> {
  try {
    const opts = parseRebuildArgs(process.argv.slice(2), process.env);
    if (opts.help) {
      process.stdout.write(USAGE);
      return;
    }
    process.exitCode = await rebuild(opts);
  } catch (e) {
    if (e instanceof ProvisionError) {
      process.stderr.write(`vm:rebuild: ${e.format()}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`vm:rebuild: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = EXIT.INTERNAL;
    }
  }
}

await main();
