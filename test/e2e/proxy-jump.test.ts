// ProxyJump end to end: a sandbox host reached only through a second sandbox host acting as the bastion, both host
// keys verified (an unknown or changed bastion key refused), the inventory's SSH_PROXY_JUMP and an ~/.ssh/config
// alias; and -v streaming the remote commands' output.
import { lookup } from "node:dns/promises";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { provision } from "./helpers.js";

const NAME = "jump-target";
/** The target's address as only the bastion can resolve it (its /etc/hosts): a direct connection cannot work. */
const ALIAS = "jump-target.behind-bastion.internal";

let bastion: SandboxHost;
let target: SandboxHost;
let dir: string;
let n = 0;
const hostKey = (h: SandboxHost) => readFileSync(h.knownHostsFile, "utf8").trim().split(/\s+/).slice(1, 3).join(" ");

/** A fresh inventory directory for NAME (the target's own inventory, pointed at the bastion) and its known_hosts. */
function inventory(env: string, known: string): { dir: string; knownHosts: string } {
  const d = mkdtempSync(join(dir, `inv-${++n}-`));
  const knownHosts = join(d, "known_hosts");
  writeFileSync(knownHosts, known);
  const base = readFileSync(target.inventoryFile, "utf8")
    .split("\n")
    .filter((l) => !/^(SSH_HOST|SSH_KNOWN_HOSTS)=/.test(l))
    .join("\n");
  writeFileSync(join(d, `${NAME}.env`), `${base}\nSSH_KNOWN_HOSTS=${knownHosts}\n${env}`);
  writeFileSync(join(d, `${NAME}.secrets.env`), readFileSync(join(target.inventoryDir, `${NAME}.secrets.env`)), { mode: 0o600 });
  return { dir: d, knownHosts };
}

const run = (inv: { dir: string }, ...args: string[]) =>
  provision(["--host", NAME, ...(args.includes("--only") ? [] : ["--only", "preflight"]), ...args], { PROVISION_INVENTORY_DIR: inv.dir });

describe("ProxyJump through a sandbox bastion", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "provision-jump-"));
    [bastion, target] = await Promise.all([upHost("jump-bastion"), upHost(NAME)]);
    const r = await bastion.exec(`echo '${target.ip} ${ALIAS}' >> /etc/hosts`);
    expect(r.code, r.stderr).toBe(0);
    await expect(lookup(ALIAS)).rejects.toThrow(); // this machine cannot reach the target by that name
  }, 180_000);
  afterAll(async () => {
    await Promise.all([bastion?.down(), target?.down()]);
  });

  const known = () => `${bastion.ip} ${hostKey(bastion)}\n${ALIAS} ${hostKey(target)}\n`;
  const jumpEnv = () => `SSH_HOST=${ALIAS}\nSSH_PROXY_JUMP=arch@${bastion.ip}\nSSH_CONFIG=none\n`;

  it("runs on the target through the bastion with both host keys known; -v streams the commands' output", async () => {
    const inv = inventory(jumpEnv(), known());
    const r = await run(inv, "--only", "preflight,bootstrap", "-v");
    expect(r.code, r.all).toBe(0);
    // The bootstrap's pacman/yay output, line by line with its host, as it came (src/host/verbose.ts).
    expect(r.stdout).toMatch(new RegExp(`^\\[${NAME}\\]\\s+\\| \\S`, "m"));
    const quiet = await run(inv);
    expect(quiet.stdout).not.toMatch(/\| /);
    expect(r.all).not.toMatch(/Permanently added/);
    expect(readFileSync(inv.knownHosts, "utf8")).toBe(known());
  });

  it("refuses an unknown bastion key before reaching the target; --accept-new-host-key records both keys", async () => {
    const inv = inventory(jumpEnv(), "");
    const refused = await run(inv);
    expect(refused.code).toBe(1);
    expect(refused.all).toContain(`unknown SSH host key for jump host ${bastion.ip}:22`);
    expect(refused.all).not.toContain(`unknown SSH host key for ${ALIAS}`);
    expect(readFileSync(inv.knownHosts, "utf8")).toBe("");
    const accepted = await run(inv, "--accept-new-host-key");
    expect(accepted.code, accepted.all).toBe(0);
    expect(readFileSync(inv.knownHosts, "utf8")).toBe(known());
  });

  it("refuses a changed bastion key, even with --accept-new-host-key, and an unknown target key behind a known bastion", async () => {
    const changed = inventory(jumpEnv(), `${bastion.ip} ${hostKey(target)}\n${ALIAS} ${hostKey(target)}\n`);
    const r = await run(changed, "--accept-new-host-key");
    expect(r.code).toBe(1);
    expect(r.all).toContain(`REMOTE HOST IDENTIFICATION HAS CHANGED for jump host ${bastion.ip}:22`);
    const unknownTarget = inventory(jumpEnv(), `${bastion.ip} ${hostKey(bastion)}\n`);
    const t = await run(unknownTarget);
    expect(t.code).toBe(1);
    expect(t.all).toContain(`unknown SSH host key for ${ALIAS}:22`);
  });

  it("an SSH config alias with its own ProxyJump host alias works the same (no SSH_HOST, SSH_USER or SSH_KEY in the inventory)", async () => {
    const config = join(dir, "ssh_config");
    writeFileSync(config, [
      `Host ${NAME}`,
      `  HostName ${ALIAS}`,
      "  User arch",
      `  IdentityFile ${target.keyFile}`,
      "  ProxyJump bastion",
      "Host bastion",
      `  HostName ${bastion.ip}`,
      "  User arch",
      `  IdentityFile ${bastion.keyFile}`,
      "",
    ].join("\n"));
    const inv = inventory(`SSH_CONFIG=${config}\n`, known());
    const env = readFileSync(join(inv.dir, `${NAME}.env`), "utf8").split("\n").filter((l) => !/^SSH_(USER|KEY)=/.test(l));
    writeFileSync(join(inv.dir, `${NAME}.env`), env.join("\n"));
    const r = await run(inv);
    expect(r.code, r.all).toBe(0);
  });

  it("a missing SSH key is refused before connecting, exit 2, naming the file", async () => {
    const inv = inventory(`${jumpEnv()}SSH_KEY=${join(dir, "no-such-key")}\n`, known());
    const r = await run(inv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`SSH key ${join(dir, "no-such-key")} does not exist`);
  });
});
