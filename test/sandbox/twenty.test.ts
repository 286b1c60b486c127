// Twenty sandbox hosts at once on this machine: distinct addresses, all reachable over ssh, all removed by down.
import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { downHost, upHost } from "./host.js";

const run = promisify(execFile);
const names = Array.from({ length: 20 }, (_, i) => `twenty-${i}`);

afterAll(async () => {
  await Promise.all(names.map((n) => downHost(n).catch(() => undefined)));
});

it("brings up 20 hosts in parallel with distinct addresses, each answering ssh", async () => {
  const hosts = await Promise.all(names.map((n) => upHost(n)));
  expect(new Set(hosts.map((h) => h.ip)).size).toBe(20);
  const names2 = await Promise.all(
    hosts.map((h) => run("ssh", ["-o", "BatchMode=yes", "-o", `UserKnownHostsFile=${h.knownHostsFile}`, "-o", "StrictHostKeyChecking=yes", "-i", h.keyFile, `arch@${h.ip}`, "hostname"]).then((r) => r.stdout.trim())),
  );
  expect(names2).toEqual(names);
  await Promise.all(hosts.map((h) => h.down()));
  for (const h of hosts) expect(await access(h.dir).then(() => true, () => false)).toBe(false);
}, 90_000);
