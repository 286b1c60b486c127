// The bench's sandbox hosts bench-1..bench-N: brought up together, always torn down (at the end, on an error, on Ctrl-C).
import { downHost, upHost, type SandboxHost } from "../../test/sandbox/host.js";
import { killCurrent } from "./run.js";

const started = new Set<string>();
let teardownPromise: Promise<void> | undefined;

/** Bring up `names` (state jitsi-installed) in batches of `batch`; each is recorded before it starts, so a Ctrl-C tears it down. */
export async function upHosts(names: string[], batch = 5): Promise<SandboxHost[]> {
  const hosts: SandboxHost[] = [];
  for (let i = 0; i < names.length; i += batch) {
    hosts.push(
      ...(await Promise.all(
        names.slice(i, i + batch).map(async (name) => {
          started.add(name);
          try {
            // A loaded 2-core machine starts sshd slowly: give it three minutes rather than one.
            return await upHost(name, { state: "jitsi-installed", timeoutMs: 180_000 });
          } catch (e) {
            // Someone else's host of that name: leave it alone.
            if (/already exists/.test(String(e))) started.delete(name);
            throw e;
          }
        }),
      )),
    );
  }
  return hosts;
}

/** Stop what runs and take every host this bench started down (once, however often it is called). */
export function teardown(say: (m: string) => void): Promise<void> {
  return (teardownPromise ??= (async () => {
    killCurrent();
    const names = [...started];
    if (!names.length) return;
    say(`tearing down ${names.length} host(s)`);
    const results = await Promise.allSettled(names.map((n) => downHost(n)));
    results.forEach((r, i) => {
      if (r.status === "rejected") say(`teardown of ${names[i]} failed: ${String(r.reason)}`);
    });
  })());
}
