// Hostile hosts: a pacman printing garbage, a systemctl whose restart hangs, a full disk under a file being
// written, an unreadable config file (a read error; a FIFO). Each is injected inside ONE sandbox host (its own /usr/local/bin and mount
// namespace), never in the repository's stand-ins. Each run fails clearly within the configured command timeout
// (SSH_COMMAND_TIMEOUT=8), with no stack trace; every managed file is its old or its new version and no temporary
// file is left; once the host is repaired, one run converges again.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PATHS } from "../../src/platform.js";
import { upHost, type SandboxHost } from "../sandbox/host.js";
import { leftoverTemps, managedFiles, neitherOldNorNew, snapshot, STACK_TRACE, type Snapshot } from "./fault-helpers.js";
import { provision, readReport } from "./helpers.js";

const NAME = "hst-a";
const DOMAIN = `${NAME}.sandbox.test`;
/** The configured timeout of one remote command, in seconds: low, so a hang shows quickly. */
const TIMEOUT_S = 8;
const LOW = { SSH_COMMAND_TIMEOUT: String(TIMEOUT_S) };
const FILES = managedFiles(DOMAIN);
const tmp = mkdtempSync(join(tmpdir(), "provision-hostile-"));
let h: SandboxHost;

beforeAll(async () => {
  h = await upHost(NAME, { state: "jitsi-installed" });
  const r = await provision(["--host", NAME]);
  expect(r.code, r.all).toBe(0);
}, 180_000);

afterAll(async () => {
  await h?.down();
});

/** Runs a root command in the host; fails the test when it fails. */
async function root(cmd: string): Promise<string> {
  const r = await h.exec(cmd);
  if (r.code !== 0) throw new Error(`host command failed (${r.code}): ${cmd}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

interface Hostile {
  /** A hand edit that gives the run something to change, so it reaches the hostile part. */
  drift?: string;
  inject: string;
  undo: string;
  /** Take the "during" snapshot after undo (the injection itself replaced a managed file, e.g. by a FIFO). */
  snapshotAfterUndo?: boolean;
}

interface Outcome {
  code: number;
  all: string;
  ms: number;
  restarts: string[];
  error: string;
  old: Snapshot;
  mid: Snapshot;
}

/** Drift, inject, run with the low timeout, snapshot, undo, then one run must converge; old-or-new checked. */
async function hostileRun(c: Hostile): Promise<Outcome> {
  if (c.drift) await root(c.drift);
  const old = await snapshot(h, FILES);
  await root(c.inject);
  const report = join(tmp, `${Date.now()}.json`);
  const t0 = Date.now();
  const r = await provision(["--host", NAME, "--report", report], LOW);
  const ms = Date.now() - t0;
  const [rep] = readReport(report);
  expect(r.all).not.toMatch(STACK_TRACE);
  expect(r.all).not.toMatch(/internal error|please report it/i);
  let mid = c.snapshotAfterUndo ? undefined : await snapshot(h, FILES);
  await root(c.undo);
  mid ??= await snapshot(h, FILES);
  expect(await leftoverTemps(h)).toEqual([]);
  const again = await provision(["--host", NAME]);
  expect(again.code, `after repairing the host:\n${again.all}`).toBe(0);
  expect(neitherOldNorNew(old, mid, await snapshot(h, FILES))).toEqual([]);
  return { code: r.code, all: r.all, ms, restarts: rep!.restarts, error: rep!.error ?? "", old, mid };
}

/** Replaces the stand-in `tool` in this host's /usr/local/bin with `script` (the original kept as tool.real). */
const replaceTool = (tool: string, script: string) =>
  `cd /usr/local/bin && { [ -e ${tool}.real ] || mv ${tool} ${tool}.real; } && cat > ${tool} <<'SH'\n${script}\nSH\nchmod 755 ${tool}`;
const restoreTool = (tool: string) => `cd /usr/local/bin && mv -f ${tool}.real ${tool}`;

describe("hostile hosts: a clear failure within the configured timeout, files old or new, no stack trace", () => {
  it("a pacman that prints garbage (and installs nothing): the missing Lua library is named, nothing restarts", async () => {
    const o = await hostileRun({
      // Really missing, so the packages task has to install it through the broken pacman.
      drift: "pacman -R --noconfirm lua-inspect >/dev/null",
      inject: replaceTool(
        "pacman",
        `#!/bin/bash
head -c 600 /dev/urandom | tr -d '\\000'
printf '\\n\\033[31merror: database c0rrupt ::: %s\\xff\\xfe\\n' "$*"
head -c 200 /dev/urandom | tr -d '\\000' >&2
exit 0`,
      ),
      undo: restoreTool("pacman"),
    });
    expect(o.code, o.all).toBe(1);
    expect(o.error).toMatch(/inspect/);
    expect(o.all).toMatch(/lua-inspect/);
    expect(o.restarts).toEqual([]);
    expect(o.ms).toBeLessThan(60_000);
  }, 180_000);

  it("a systemctl whose restart hangs: cut off at the command timeout, rolled back, previous files back", async () => {
    const o = await hostileRun({
      drift: `sed -i 's/login-url = "${DOMAIN}"/login-url = "x.example"/' ${PATHS.jicofoProvisionConf}`,
      inject: replaceTool(
        "systemctl",
        `#!/bin/bash
for a in "$@"; do [ "$a" = restart ] && exec sleep 3600; done
exec /usr/local/bin/systemctl.real "$@"`,
      ),
      undo: `${restoreTool("systemctl")}; pkill -f '^sleep 3600$' || true`,
    });
    expect(o.code, o.all).toBe(1);
    expect(o.error).toMatch(/restart of jicofo did not complete/);
    expect(o.error).toMatch(new RegExp(`timed out after ${TIMEOUT_S} ?s|did not finish within ${TIMEOUT_S} s`));
    expect(o.error).toMatch(/rolled back: restored \/etc\/jicofo\/provision\.conf/);
    // The previous provision.conf is back, not the new one.
    expect(o.mid.get(PATHS.jicofoProvisionConf)).toBe(o.old.get(PATHS.jicofoProvisionConf));
    // The hanging restart and the rollback's restart: each cut off at the configured timeout, not at 90 s.
    expect(o.ms).toBeLessThan(2 * TIMEOUT_S * 1000 + 45_000);
  }, 300_000);

  it("a full disk under config.js (a 1 MB tmpfs, filled): the write fails naming the cause, the old file is untouched", async () => {
    const dir = "/etc/webapps/jitsi-meet";
    const o = await hostileRun({
      drift: `sed -i "s|anonymousdomain: 'guest.${DOMAIN}'|anonymousdomain: 'drifted.example'|" ${PATHS.configJs}`,
      inject: `set -e; rm -rf /root/jm; cp -a ${dir} /root/jm; mount -t tmpfs -o size=1m hostile-full ${dir}; cp -a /root/jm/. ${dir}/
               dd if=/dev/zero of=${dir}/.fill bs=4k 2>/dev/null || true; df -k ${dir} | tail -1`,
      undo: `umount ${dir}; rm -rf /root/jm`,
    });
    expect(o.code, o.all).toBe(1);
    expect(o.error).toMatch(/cannot write \/etc\/webapps\/jitsi-meet\/config\.js .*the old file is untouched/);
    expect(o.all).toMatch(/No space left on device/);
    expect(o.mid.get(PATHS.configJs)).toBe(o.old.get(PATHS.configJs));
    expect(o.ms).toBeLessThan(60_000);
  }, 180_000);

  it("an unreadable config file (a read error on jicofo.conf): the run fails naming it, nothing is written or restarted", async () => {
    // /proc/self/mem bound over the file: a regular file whose reads fail, as with a bad disk.
    const o = await hostileRun({
      drift: `sed -i 's/login-url = "${DOMAIN}"/login-url = "x.example"/' ${PATHS.jicofoProvisionConf}`,
      inject: `mount --bind /proc/self/mem ${PATHS.jicofoConf}`,
      undo: `umount ${PATHS.jicofoConf}`,
      snapshotAfterUndo: true,
    });
    expect(o.code, o.all).toBe(1);
    expect(o.error).toMatch(/provision-read: cannot read \/etc\/jicofo\/jicofo\.conf/);
    expect(o.all).not.toMatch(/update \/etc\/jicofo\/jicofo\.conf/);
    expect(o.mid.get(PATHS.jicofoConf)).toBe(o.old.get(PATHS.jicofoConf));
    expect(o.restarts).toEqual([]);
    expect(o.ms).toBeLessThan(60_000);
  }, 180_000);

  it("a config file that is not a regular file (jicofo.conf a FIFO, whose reads block): named as such, not as missing", async () => {
    const o = await hostileRun({
      inject: `set -e; f=${PATHS.jicofoConf}; mv $f /root/jicofo.conf.saved; mkfifo -m 600 $f`,
      undo: `f=${PATHS.jicofoConf}; rm -f $f; mv /root/jicofo.conf.saved $f`,
      snapshotAfterUndo: true,
    });
    expect(o.code, o.all).toBe(1);
    expect(o.error).toContain(`${PATHS.jicofoConf} exists but is not a regular file (fifo)`);
    expect(o.error).not.toMatch(/does not exist/);
    expect(o.restarts).toEqual([]);
    expect(o.ms).toBeLessThan(60_000);
  }, 180_000);
});
