// Test helpers for the videobridge stand-in (test/sandbox/packages/jitsi-videobridge): run it on this machine with a
// jvb.conf of our own, read its log, and read jicofo's REST view of the brewery (docs/jitsi.md "Bridges on their
// own hosts": /debug .bridge_selector.bridge keyed by the brewery occupant JID).
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
export const JVB = join(here, "../sandbox/packages/jitsi-videobridge/files/usr/lib/jitsi-videobridge/jvb.mjs");
const HELPER_SOURCE = join(here, "../sandbox/standins/HoconToJson.java");

/** The jvb.conf settings of one bridge (the keys upstream reads, docs/jitsi.md). */
export interface BridgeConf {
  hostname: string;
  domain: string;
  username: string;
  password: string;
  brewery: string;
  nickname: string;
  udpPort: number;
  port?: number;
  /** Verify Prosody's certificate (DISABLE_CERTIFICATE_VERIFICATION = false). Default false. */
  verify?: boolean;
}

/** A running bridge stand-in. */
export interface LocalBridge {
  log(): string;
  stop(): void;
}

/** The HOCON of a jvb.conf carrying one XMPP client connection. */
export function jvbConf(c: BridgeConf): string {
  return `videobridge.apis.xmpp-client.configs.test {
  HOSTNAME = "${c.hostname}"
  PORT = ${c.port ?? 5222}
  DOMAIN = "${c.domain}"
  USERNAME = "${c.username}"
  PASSWORD = "${c.password}"
  MUC_JIDS = "${c.brewery}"
  MUC_NICKNAME = "${c.nickname}"
  DISABLE_CERTIFICATE_VERIFICATION = ${c.verify ? "false" : "true"}
}
videobridge.ice.udp.port = ${c.udpPort}
`;
}

/** Compiles the HOCON helper into dir (once per test file). */
export function compileHelper(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync("javac", ["-nowarn", "-cp", "/usr/share/java/typesafe-config.jar", "-d", dir, HELPER_SOURCE]);
}

/** Starts the stand-in as the unit does (launcher, detached child); its log is what it prints. */
export function startBridge(dir: string, name: string, conf: BridgeConf, helperDir: string): LocalBridge {
  const cfg = join(dir, `${name}.conf`);
  const pidfile = join(dir, `${name}.pid`);
  const logfile = join(dir, `${name}.log`);
  writeFileSync(cfg, jvbConf(conf));
  const fd = openSync(logfile, "a");
  try {
    execFileSync(process.execPath, [JVB, "--config", cfg, "--pidfile", pidfile, "--bind-address", conf.hostname], {
      env: { ...process.env, JVB_HOCON_HELPER_DIR: helperDir },
      stdio: ["ignore", fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  return {
    log: () => readFileSync(logfile, "utf8"),
    stop: () => {
      try {
        process.kill(Number(readFileSync(pidfile, "utf8")), "SIGTERM");
      } catch {
        /* already gone */
      }
    },
  };
}

/** jicofo's per-bridge listing: occupant JID -> { operational, … } from GET /debug. */
export async function bridgesOf(restUrl: string): Promise<Record<string, { operational: boolean }>> {
  const r = await fetch(`${restUrl}/debug`);
  const body = (await r.json()) as { bridge_selector: { bridge: Record<string, { operational: boolean }> } };
  return body.bridge_selector.bridge;
}

/** Polls cond every 100 ms until it holds; throws with what() after timeoutMs. */
export async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string | Promise<string>): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms: ${await what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
