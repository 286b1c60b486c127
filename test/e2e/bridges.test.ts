// Videobridges on their own hosts: one invocation provisions a main host and two bridge hosts (bridges through a group
// file), the `bridges` check proves all three registered with jicofo, a second run changes nothing; each way a bridge
// falls out of the brewery is named by the check with its bridge and cause, and the next run repairs it.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { provision, readReport, status, type Report } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "provision-bridges-"));
const inventory = join(tmp, "inventory");
let main: SandboxHost;
let b1: SandboxHost;
let b2: SandboxHost;
let domain: string;

/** The SSH_* lines of a sandbox host's own inventory file. */
const sshLines = (h: SandboxHost) => readFileSync(h.inventoryFile, "utf8").split("\n").filter((l) => l.startsWith("SSH_"));

/** `provision ARGS --report` against this test's inventory; the reports by host. */
async function run(args: string[]): Promise<{ code: number; all: string; by: Record<string, Report> }> {
  const report = join(tmp, `report-${Date.now()}.json`);
  const r = await provision([...args, "--report", report], { PROVISION_INVENTORY_DIR: inventory });
  const reports = (() => {
    try {
      return readReport(report);
    } catch {
      return [];
    }
  })();
  return { code: r.code, all: r.all, by: Object.fromEntries(reports.map((x) => [x.host, x])) };
}

const bridgesCheck = (r: Report | undefined) => r?.verification?.find((v) => v.name === "bridges");
const FULL = ["--host", "fl-main", "--host", "fl-bridges"];
/** Only the check, with both bridge hosts connected so that their logs can be read. */
const CHECK_ONLY = [...FULL, "--only", "bridges"];

/** Edit our file on a bridge host by hand and restart its bridge, as an operator might. */
async function handEdit(h: SandboxHost, sed: string): Promise<void> {
  const r = await h.exec(`sed -i ${JSON.stringify(sed)} /etc/jitsi-videobridge/provision.conf && systemctl restart jitsi-videobridge`);
  expect(r.code, r.stderr).toBe(0);
}

beforeAll(async () => {
  [main, b1, b2] = await Promise.all([upHost("fl-main", { state: "jitsi-installed" }), upHost("fl-b1", { state: "bridge" }), upHost("fl-b2", { state: "bridge" })]);
  domain = "fl-main.sandbox.test";
  mkdirSync(join(inventory, "groups"), { recursive: true });
  copyFileSync(main.inventoryFile, join(inventory, "fl-main.env"));
  copyFileSync(main.inventoryFile.replace(/\.env$/, ".secrets.env"), join(inventory, "fl-main.secrets.env"));
  chmodSync(join(inventory, "fl-main.secrets.env"), 0o600);
  // What every bridge shares lives once, in the group file; each host file has only its SSH access and its group.
  writeFileSync(join(inventory, "groups", "fl-bridges.env"), `ROLE=videobridge\nJITSI_DOMAIN=${domain}\nXMPP_SERVER=${main.ip}\n`);
  for (const h of [b1, b2]) writeFileSync(join(inventory, `${h.name}.env`), [...sshLines(h), "GROUP=fl-bridges", ""].join("\n"));
}, 300_000);

afterAll(async () => {
  await Promise.all([main, b1, b2].filter(Boolean).map((h) => h.down()));
  rmSync(tmp, { recursive: true, force: true });
});

describe("a main host and two videobridge hosts", () => {
  it("one invocation provisions all three; the bridges check sees three operational bridges", async () => {
    const r = await run(FULL);
    expect(r.code, r.all).toBe(0);
    expect(Object.keys(r.by)).toEqual(["fl-main", "fl-b1", "fl-b2"]);
    expect(bridgesCheck(r.by["fl-main"])).toMatchObject({ ok: true, detail: "3/3 bridges in the brewery and operational: fl-main (on fl-main), fl-b1, fl-b2" });
    // A bridge host gets only what a bridge needs.
    expect(r.by["fl-b1"]!.tasks.map((t) => t.name)).toEqual(["preflight", "bootstrap", "videobridge", "restart"]);
    expect(r.by["fl-b1"]!.restarts).toEqual(["jitsi-videobridge"]);
    const installed = await b1.exec("pacman -Qq prosody jicofo nginx 2>&1; pacman -Qq jitsi-videobridge");
    expect(installed.stdout).toMatch(/jitsi-videobridge/);
    expect(installed.stdout).not.toMatch(/^(prosody|jicofo|nginx)$/m);
    // The package's legacy shard login (it would win over ours) is commented out, the rest of the file kept.
    const props = await b1.exec("cat /etc/jitsi-videobridge/sip-communicator.properties");
    expect(props.stdout).not.toMatch(/^org\.jitsi\.videobridge\.xmpp\.user\./m);
    expect(props.stdout).toMatch(/^org\.ice4j\.ice\.harvest\.STUN_MAPPING_HARVESTER_ADDRESSES=/m);
  }, 600_000);

  it("a second run changes nothing and restarts nothing", async () => {
    const r = await run(FULL);
    expect(r.code, r.all).toBe(0);
    for (const host of ["fl-main", "fl-b1", "fl-b2"]) {
      expect(r.by[host]!.changes, host).toBe(0);
      expect(r.by[host]!.restarts, host).toEqual([]);
    }
    expect(bridgesCheck(r.by["fl-main"])?.ok).toBe(true);
  }, 600_000);

  const cases: { name: string; breakIt: () => Promise<void>; cause: RegExp }[] = [
    {
      name: "a bridge's password changed by hand",
      breakIt: () => handEdit(b1, 's/PASSWORD = ".*"/PASSWORD = "changed-by-hand"/'),
      cause: /fl-b1 \(nickname fl-b1\): login refused: Prosody answered not-authorized for jvb-fl-b1@auth\.fl-main\.sandbox\.test/,
    },
    {
      name: "two bridges given the same nickname",
      breakIt: () => handEdit(b2, 's/MUC_NICKNAME = ".*"/MUC_NICKNAME = "fl-b1"/'),
      cause: /fl-b2 \(nickname fl-b2\): duplicate nickname: the brewery refused 'fl-b1' \(conflict: videobridge fl-b1 holds it\)/,
    },
    {
      name: "a bridge pointed at the wrong brewery",
      breakIt: () => handEdit(b1, 's/MUC_JIDS = ".*"/MUC_JIDS = "wrongbrewery@internal.auth.fl-main.sandbox.test"/'),
      cause: /fl-b1 \(nickname fl-b1\): wrong brewery: it joined wrongbrewery@internal\.auth\.fl-main\.sandbox\.test, jicofo watches jvbbrewery@internal\.auth\.fl-main\.sandbox\.test/,
    },
    {
      name: "the main host's Prosody unreachable from a bridge",
      breakIt: () => handEdit(b2, 's/HOSTNAME = ".*"/HOSTNAME = "127.0.0.254"/'),
      cause: /fl-b2 \(nickname fl-b2\): the main host's Prosody is unreachable at 127\.0\.0\.254:5222: .*Connection refused/,
    },
  ];
  for (const c of cases)
    it(`${c.name}: the bridges check names the bridge and the cause; the next run repairs it`, async () => {
      await c.breakIt();
      const failed = await run(CHECK_ONLY);
      expect(failed.code, failed.all).toBe(1);
      const check = bridgesCheck(failed.by["fl-main"]);
      expect(check?.ok, failed.all).toBe(false);
      expect(check?.detail).toMatch(/^2\/3 bridges operational/);
      expect(check?.detail).toMatch(c.cause);
      expect(failed.all).not.toMatch(/changed-by-hand/);
      const repaired = await run(FULL);
      expect(repaired.code, repaired.all).toBe(0);
      expect(bridgesCheck(repaired.by["fl-main"])?.ok, repaired.all).toBe(true);
    }, 600_000);

  it("the main host's Prosody stopped: every bridge named as unable to reach it; the next run starts Prosody and all come back", async () => {
    const stop = await main.exec("systemctl stop prosody");
    expect(stop.code, stop.stderr).toBe(0);
    const failed = await run(CHECK_ONLY);
    expect(failed.code, failed.all).toBe(1);
    const check = bridgesCheck(failed.by["fl-main"]);
    expect(check?.detail).toMatch(/fl-b1 \(nickname fl-b1\): the main host's Prosody is unreachable at .*5222: .*Connection refused/);
    expect(check?.detail).toMatch(/fl-b2 \(nickname fl-b2\): the main host's Prosody is unreachable/);
    const repaired = await run(FULL);
    expect(repaired.code, repaired.all).toBe(0);
    expect(repaired.by["fl-main"]!.restarts).toContain("prosody");
    expect(bridgesCheck(repaired.by["fl-main"])?.ok, repaired.all).toBe(true);
  }, 600_000);

  it("a bridge whose JITSI_DOMAIN names no main host is refused before connecting (exit 2)", async () => {
    writeFileSync(join(inventory, "fl-stray.env"), `SSH_HOST=192.0.2.1\nSSH_USER=arch\nROLE=videobridge\nJITSI_DOMAIN=nomain.sandbox.test\n`);
    const r = await run(["--host", "fl-stray"]);
    expect(r.code, r.all).toBe(2);
    expect(r.all).toMatch(/fl-stray/);
    expect(r.all).toMatch(/nomain\.sandbox\.test/);
    expect(r.all).not.toMatch(/connecting/);
    rmSync(join(inventory, "fl-stray.env"));
  }, 60_000);

  it("a bridge torn out of the inventory does not break the main host: its check expects the bridges the inventory lists; its account goes", async () => {
    rmSync(join(inventory, "fl-b2.env"));
    const r = await run(["--host", "fl-main"]);
    expect(r.code, r.all).toBe(0);
    expect(bridgesCheck(r.by["fl-main"])).toMatchObject({ ok: true, detail: "2/2 bridges in the brewery and operational: fl-main (on fl-main), fl-b1" });
    expect(status(r.by["fl-main"]!, "accounts")).toBe("changed");
    expect(r.by["fl-main"]!.tasks.find((t) => t.name === "accounts")!.changes).toEqual(["remove jvb-fl-b2@auth.fl-main.sandbox.test (its videobridge is no longer in the inventory)"]);
    expect((await main.exec("ls \"$(prosodyctl about 2>/dev/null | sed -n 's/^Data directory: *//p')\"/auth%2efl%2dmain%2esandbox%2etest/accounts")).stdout.split("\n").filter(Boolean).sort()).toEqual(["focus.dat", "jvb%2dfl%2db1.dat", "jvb.dat"]);
    const again = await run(["--host", "fl-main"]);
    expect(again.by["fl-main"]!.changes, again.all).toBe(0);
  }, 600_000);
});
