// Runs test/setup.sh (installs the Debian packages) when a binary the sandbox needs is missing.
import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO } from "./paths.js";

const run = promisify(execFile);
const NEEDED = ["/usr/bin/unshare", "/usr/bin/nsenter", "/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/bin/prosodyctl", "/usr/bin/lua5.4", "/usr/sbin/nginx", "/usr/share/lua/5.2/basexx.lua", "/usr/share/lua/5.3/inspect.lua"];
let done: Promise<void> | null = null;

/** Makes sure the machine has what the sandbox needs, running test/setup.sh once if not. */
export function ensureSetup(): Promise<void> {
  done ??= (async () => {
    const missing = (await Promise.all(NEEDED.map((p) => access(p).then(() => null, () => p)))).filter(Boolean);
    if (missing.length === 0) return;
    process.stderr.write(`sandbox: missing ${missing.join(", ")}; running test/setup.sh\n`);
    await run("bash", [join(REPO, "test", "setup.sh")], { maxBuffer: 16 << 20 });
  })();
  return done;
}
