// `provision token` and `provision verify`: the subcommands besides the main run.
// Loaded only when one of them runs (src/cli.ts); `verify` imports SSH and the verifier when it starts.
import { parseDuration } from "./duration.js";
import { EXIT, UsageError } from "./errors.js";
import { mainHostOf, refuseBridge } from "./fleet.js";
import { loadInventory } from "./inventory.js";
import { errorText } from "./output/error-text.js";
import type { HostReport } from "./runner.js";
import { ANY_ROOM, joinLink, mintToken, validateRoomName } from "./token.js";

export interface TokenFlags {
  /** Exactly one (--host may be repeated on the command line; more than one is refused). */
  host: string[];
  room: string;
  name?: string;
  email?: string;
  avatar?: string;
  ttl: string;
  inventory?: string;
}

/** Mint a token for a room and print the join link. */
export async function commandToken(o: TokenFlags): Promise<number> {
  if (o.host.length !== 1)
    throw new UsageError(`token takes one host, got ${o.host.length}: ${o.host.join(", ")}`, { fix: "run provision token once per host: each host has its own domain and secret" });
  const inv = loadInventory(o.host[0]!, { dir: o.inventory });
  if (inv.role === "videobridge") refuseBridge(inv, "token", mainHostOf(inv, o.inventory)); // it mints nothing
  validateRoomName(o.room);
  let ttlSeconds: number;
  try {
    ttlSeconds = parseDuration(o.ttl);
  } catch (e) {
    throw new UsageError(`--ttl: ${(e as Error).message}`, { fix: "give a duration such as 90s, 30m, 2h or 1d" });
  }
  const token = await mintToken(inv, { room: o.room, name: o.name, email: o.email, avatar: o.avatar, ttlSeconds });
  process.stdout.write(`${joinLink(inv, o.room, token)}\n`);
  if (o.room === "*") process.stderr.write(`provision: this token opens every room: put a room name (lower case) in place of ${ANY_ROOM}\n`);
  return EXIT.OK;
}

export interface VerifyFlags {
  host: string[];
  public?: boolean;
  report?: string;
  acceptNewHostKey?: boolean;
  inventory?: string;
}

/** Run only the verification on each host, print the check table, exit 1 if any check failed. */
export async function commandVerify(o: VerifyFlags): Promise<number> {
  const [{ checkReportPath, finish, loadAll }, { connectSsh }, { verifyHost }] = await Promise.all([import("./cli-shared.js"), import("./host/ssh.js"), import("./verify/index.js")]);
  checkReportPath(o.report); // before connecting, not after every host was verified
  const invs = loadAll(o.host, o.inventory, "verify"); // main hosts only: a bridge is proven by its main host's check
  (await import("./host/ssh-keys.js")).checkSshKeys(invs); // a missing key file is exit 2 before any connection
  const reports = await Promise.all(
    invs.map(async (inv): Promise<HostReport> => {
      const report: HostReport = { host: inv.name, ok: false, changes: 0, restarts: [], tasks: [] };
      const started = Date.now();
      try {
        const host = await connectSsh(inv.name, inv.ssh, { acceptNewHostKey: o.acceptNewHostKey });
        try {
          // Checks a–h and, beside them, i (bridges): jicofo's view of the deployment's bridges (their logs are not read here).
          const { bridgesCheck } = await import("./verify/bridges.js");
          const [ah, bridges] = await Promise.all([verifyHost(host, inv, { public: o.public }), bridgesCheck(host, inv, undefined, { timeoutMs: 5000 })]);
          const results = [...ah, bridges];
          report.verification = results;
          report.ok = results.every((r) => r.ok);
          report.tasks.push({ name: "verify", status: report.ok ? "unchanged" : "failed", detail: `${results.filter((r) => r.ok).length}/${results.length} checks passed`, changes: [] });
        } finally {
          await host.close();
        }
      } catch (e) {
        report.error = errorText(e);
        report.tasks.push({ name: "verify", status: "failed", detail: report.error, changes: [] });
      }
      report.durationMs = Date.now() - started;
      return report;
    }),
  );
  return finish(reports, false, o.report);
}
