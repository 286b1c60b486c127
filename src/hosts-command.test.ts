// `provision hosts` lists the inventory by deployment; token and verify refuse a videobridge host, naming its main host.
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatHosts } from "./hosts-command.js";
import { run } from "../test/cli-run.js";

const SECRET = "hosts-FAKE-secret-0123456789-abcdefghijklm";

function inventory(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "hosts-"));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), text.includes("JWT_APP_SECRET") ? 0o600 : 0o644);
  }
  return dir;
}

const FLEET = {
  "defaults.env": "SSH_USER=arch\nSSH_CONFIG=none\n",
  "meet.example.org.env": `JWT_APP_ID=app\nJWT_APP_SECRET=${SECRET}\nGROUP=eu\n`,
  "jvb2.env": "ROLE=videobridge\nJITSI_DOMAIN=meet.example.org\nGROUP=eu\nSSH_HOST=10.0.0.2\nSSH_PORT=2222\n",
  "jvb1.env": "ROLE=videobridge\nJITSI_DOMAIN=meet.example.org\nGROUP=eu\nSSH_USER=root\n",
  "alone.env": "ROLE=videobridge\nJITSI_DOMAIN=gone.example.org\nSSH_HOST=2001:db8::9\nSSH_PROXY_JUMP=ops@bastion\n",
  "example.env": "SSH_USER=arch\n",
};

afterEach(() => {
  process.exitCode = undefined;
});

describe("provision hosts", () => {
  it("lists each deployment, main host first, an invalid host with its first problem, and a deployment's problems", () => {
    const dir = inventory(FLEET);
    expect(formatHosts(dir, {})).toBe(
      [
        "name              role         group  domain            ssh",
        "alone             videobridge  -      gone.example.org  arch@[2001:db8::9]:22 via ops@bastion:22",
        `! videobridge host alone: JITSI_DOMAIN=gone.example.org names no main host in the inventory (${dir})`,
        "",
        "meet.example.org  main         eu     meet.example.org  arch@meet.example.org:22",
        "jvb1              videobridge  eu     meet.example.org  invalid: SSH_USER: must not be root: yay refuses to run as root; use a sudo-capable user",
        "jvb2              videobridge  eu     meet.example.org  arch@10.0.0.2:2222",
        "",
      ].join("\n"),
    );
  });

  it("exits 0 through the CLI, and says where it looked when the inventory is empty", async () => {
    const dir = inventory(FLEET);
    const r = await run("hosts", "--inventory", dir);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout.split("\n")[4]).toMatch(/^meet\.example\.org {2}main/);
    const empty = inventory({ "example.env": "SSH_USER=arch\n" });
    expect((await run("hosts", "--inventory", empty)).stdout).toBe(`no hosts in ${empty}: add inventory/<name>.env files (see example.env)\n`);
  });
});

describe("token and verify on a videobridge host", () => {
  it.each([
    ["token", "--room", "r"],
    ["verify"],
  ])("provision %s is refused (exit 2) before connecting, naming its main host", async (command, ...flags) => {
    const dir = inventory(FLEET);
    const r = await run(command, "--host", "jvb2", ...flags, "--inventory", dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`provision: jvb2 is a videobridge host: provision ${command} runs against its deployment's main host\nFix: run it against meet.example.org: provision ${command} --host meet.example.org\n`);
  });
});
