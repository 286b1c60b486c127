// npm run sandbox -- up NAME [--state fresh|jitsi-installed|bridge] [--no-known-hosts] | down NAME | down --all | list | exec NAME -- CMD
import { downAll, downHost, getHost, listHosts, upHost, type HostState } from "./host.js";

const USAGE = `usage:
  npm run sandbox -- up NAME [--state fresh|jitsi-installed|bridge] [--no-known-hosts]
  npm run sandbox -- down NAME | down --all
  npm run sandbox -- list
  npm run sandbox -- exec NAME -- CMD...`;

/** Runs one sandbox command; returns the process exit code. */
async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "up" && rest[0]) {
    const stateAt = rest.indexOf("--state");
    const state = (stateAt >= 0 ? rest[stateAt + 1] : "fresh") as HostState;
    if (state !== "fresh" && state !== "jitsi-installed" && state !== "bridge") throw new Error(`unknown state ${state}\n${USAGE}`);
    const t = Date.now();
    const h = await upHost(rest[0], { state, knownHosts: !rest.includes("--no-known-hosts") });
    console.log(
      `${h.name} up at ${h.ip} (${state}, ${Date.now() - t} ms)\n  inventory: ${h.inventoryFile}\n` +
        `  provision: npx provision --inventory ${h.inventoryDir} --host ${h.name}   (or export PROVISION_INVENTORY_DIR=${h.inventoryDir})\n` +
        `  ssh: ssh -i ${h.keyFile} -o UserKnownHostsFile=${h.knownHostsFile} arch@${h.ip}`,
    );
    return 0;
  }
  if (cmd === "down" && rest[0]) {
    const kept = rest[0] === "--all" ? await downAll() : await downHost(rest[0]);
    for (const f of kept) console.log(`kept ${f}: changed since the sandbox wrote it`);
    return 0;
  }
  if (cmd === "list") {
    for (const h of await listHosts()) console.log(`${h.name}\t${h.ip}\t${h.running ? "running" : "stopped"}`);
    return 0;
  }
  if (cmd === "exec" && rest[0] && rest[1] === "--" && rest.length > 2) {
    const h = await getHost(rest[0]);
    const r = await h.exec(rest.slice(2).join(" "));
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    return r.code;
  }
  console.error(USAGE);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
