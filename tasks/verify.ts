// Verify: prove at the XMPP level that tokens open rooms, guests wait, and everything else is refused.
import { HostError } from "../src/errors.js";
import { REPORT_KEYS } from "../src/runner.js";
import type { Task } from "../src/task.js";
import { formatChecks, verifyHost, type CheckResult } from "../src/verify/index.js";

export const VERIFY_PUBLIC = "verify.public";

export const verify: Task<CheckResult[]> = {
  name: "verify",
  title: "verify tokens open rooms and everything else is refused",
  async gather({ host, inv, state, log }) {
    log("running checks a–h over XMPP and through nginx");
    const results = await verifyHost(host, inv, { public: state.facts.get(VERIFY_PUBLIC) === true });
    state.facts.set(REPORT_KEYS.verification, results);
    return results;
  },
  plan(inv, results) {
    const failed = results.filter((r) => !r.ok);
    if (failed.length)
      throw new HostError(`verification failed: ${failed.map((r) => r.name).join(", ")}`, { where: inv.name, lines: formatChecks(results).split("\n") });
    return { changes: [], reason: `${results.length}/${results.length} checks passed: ${results.map((r) => r.name).join(", ")}` };
  },
};
