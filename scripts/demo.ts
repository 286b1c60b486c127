// npm run demo: bring up a local sandbox host, provision it end to end with verification, print a join link,
// and tear the host down again (also on failure or Ctrl-C).
import { execa } from "execa";
import { downHost, upHost } from "../test/sandbox/host.js";

const NAME = process.env.DEMO_HOST ?? "demo";
const STATE = (process.env.DEMO_STATE ?? "fresh") as "fresh" | "jitsi-installed";
const cli = ["dist/src/cli.js"];

let down: Promise<void> | undefined;
const teardown = () =>
  (down ??= downHost(NAME).then(
    () => undefined,
    (e: unknown) => console.error(`demo: teardown of ${NAME} failed: ${e}`),
  ));
process.on("SIGINT", () => {
  console.error("\ndemo: interrupted, tearing the sandbox host down");
  void teardown().then(() => process.exit(130));
});

async function main(): Promise<number> {
  console.log(`demo: bringing up sandbox host '${NAME}' (state ${STATE})`);
  const host = await upHost(NAME, { state: STATE });
  console.log(`demo: ${NAME} is up at ${host.ip}; inventory ${host.inventoryFile}`);
  // The sandbox keeps its inventories in its own directory, never in ./inventory.
  const inventory = ["--inventory", host.inventoryDir];
  const run = await execa("node", [...cli, "--host", NAME, ...inventory], { stdio: "inherit", reject: false });
  if (run.exitCode !== 0) {
    console.error(`demo: provision exited ${run.exitCode}`);
    return run.exitCode ?? 1;
  }
  console.log("\ndemo: a join link for a token holder (valid 2 h; the sandbox domain resolves only inside the host):");
  const token = await execa("node", [...cli, "token", "--host", NAME, ...inventory, "--room", "demo-room", "--name", "Demo User"], { reject: false });
  console.log(token.stdout || token.stderr);
  return token.exitCode ?? 1;
}

main()
  .then(async (code) => {
    await teardown();
    process.exit(code);
  })
  .catch(async (e) => {
    console.error(`demo: ${e instanceof Error ? e.message : e}`);
    await teardown();
    process.exit(1);
  });
