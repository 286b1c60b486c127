// Unit tests of what the bench reads from runs: the --report's counts and durations, the SSH trace and the floor's
// script, /usr/bin/time, Ansible's output; and the playbook's vars.
import { describe, expect, it } from "vitest";
import { accountFile, inventoryIni, managedPaths, passwordIn, varsYaml } from "./ansible.js";
import { ansibleRecap, ansibleSshExecs, changedHosts, floorScript, parseTime, reportedCommands, slowestCheck, taskDurations, traceStdin, type ReportHost, type SshTrace } from "./report.js";

const host = (tasks: ReportHost["tasks"], extra: Record<string, unknown> = {}): ReportHost => ({ host: "h", ok: true, changes: 0, restarts: [], tasks, ...extra });

describe("the --report", () => {
  it("per-task durations under durationMs (or ms); none when the report has none", () => {
    expect(taskDurations(host([{ name: "prosody", status: "unchanged", durationMs: 12 }, { name: "nginx", status: "unchanged", ms: 3 }]))).toEqual([
      { task: "prosody", status: "unchanged", ms: 12 },
      { task: "nginx", status: "unchanged", ms: 3 },
    ]);
    expect(taskDurations(host([{ name: "prosody", status: "unchanged" }]))).toEqual([]);
  });

  it("remote commands besides verification: host total minus verify's, or the sum over tasks, or unknown", () => {
    expect(reportedCommands(host([{ name: "verify", status: "unchanged", remoteCommands: 2 }], { remoteCommands: 4 }))).toEqual({ total: 4, verify: 2, besidesVerify: 2 });
    expect(reportedCommands(host([{ name: "a", status: "unchanged", commands: 1 }, { name: "verify", status: "unchanged", commands: 2 }]))).toEqual({ total: 3, verify: 2, besidesVerify: 1 });
    expect(reportedCommands(host([{ name: "a", status: "unchanged" }], { ssh: { commands: 3 } }))).toEqual({ total: 3, verify: 0, besidesVerify: 3 });
    expect(reportedCommands(host([{ name: "a", status: "unchanged" }]))).toBeUndefined();
  });

  it("names what a no-change run changed, and the slowest check", () => {
    expect(changedHosts([host([]), { ...host([{ name: "jicofo", status: "changed" }]), host: "b", changes: 1 }])).toEqual(["b (jicofo)"]);
    expect(changedHosts([{ ...host([]), restarts: ["nginx"] }])).toEqual(["h (restarted nginx)"]);
    const v = [{ id: "a", name: "token-opens-room", ms: 300, detail: "" }, { id: "d", name: "no-token-refused", ms: 90, detail: "" }, { id: "c", name: "x", skipped: true }];
    expect(slowestCheck(host([], { verification: v }))).toMatchObject({ id: "a", ms: 300 });
  });
});

describe("the SSH trace and the floor", () => {
  const trace: SshTrace = {
    connections: 1,
    execs: [
      { cmd: "printf '%s\\n' first", stdin: "", at: 0 },
      { cmd: "cat", stdin: `${Buffer.from("in ").toString("base64")}\n${Buffer.from("two chunks").toString("base64")}\n`, at: 1 },
      { cmd: "cat; echo after", stdin: "", at: 2 },
    ],
    forwards: [],
  };

  it("stdin comes back from its chunks", () => {
    expect(traceStdin(trace.execs[1]!).toString()).toBe("in two chunks");
  });

  it("reads /usr/bin/time's figures", () => {
    expect(parseTime("Command exited with non-zero status 1\n1.52 123904 0.84 0.12\n")).toEqual({ wallMs: 1520, peakRssMb: 121, cpuMs: 960 });
    expect(() => parseTime("")).toThrow(/time/);
  });
});

describe("Ansible", () => {
  it("counts SSH execs and tasks in -vvv output, and reads the recap", () => {
    const log = ["TASK [Read the installed packages] ***", "<127.0.0.9> SSH: EXEC ssh -C -o ControlMaster=auto x", "TASK [copy] ***", "<127.0.0.9> SSH: EXEC ssh -C y", "<127.0.0.9> SSH: EXEC ssh -C z"].join("\n");
    expect(ansibleSshExecs(log)).toEqual({ execs: 3, tasks: 2 });
    expect(ansibleRecap("bench-1 : ok=9    changed=0    unreachable=0    failed=0    skipped=0")).toEqual({ ok: 9, changed: 0, failed: 0 });
    expect(ansibleRecap("bench-1 : ok=9    changed=2    unreachable=1    failed=0")).toEqual({ ok: 9, changed: 2, failed: 1 });
  });

  it("vars: every string is a JSON string tagged !unsafe, so a '{{' in a config file is never templated", () => {
    const yaml = varsYaml({
      packages: ["prosody"],
      files: { web: [{ path: "/etc/x.js", content: 'a = "{{ b }}";\n\ttab', owner: "root", group: "root", mode: "0644" }], nginx: [] },
      accounts: [{ user: "focus", host: "auth.d", password: 'p"w', datafile: "/f" }],
    });
    expect(yaml).toContain(`content: !unsafe "a = \\"{{ b }}\\";\\n\\ttab"`);
    expect(yaml).toContain("  nginx: []");
    expect(yaml).toContain(`password: !unsafe "p\\"w"`);
  });

  it("managed paths per service, Prosody's account files, passwords read back, the inventory line", () => {
    const p = { prosodyMain: "/etc/prosody/prosody.cfg.lua", prosodyConfD: "/etc/prosody/conf.d", certDir: "/c", jicofoConf: "/j/jicofo.conf", jicofoProvisionConf: "/j/provision.conf", jvbConf: "/v/jvb.conf", jvbProvisionConf: "/v/provision.conf", nginxConf: "/n/nginx.conf", nginxSites: "/n/sites", configJs: "/w/config.js" };
    const m = managedPaths("meet.test", p);
    expect(m.prosody).toEqual(["/etc/prosody/prosody.cfg.lua", "/etc/prosody/conf.d/meet.test.cfg.lua", "/c/meet.test.crt", "/c/meet.test.key", "/c/auth.meet.test.crt", "/c/auth.meet.test.key"]);
    expect(m.nginx).toEqual(["/n/nginx.conf", "/n/sites/meet.test.conf"]);
    expect(accountFile("focus", "auth.my-meet.test")).toBe("/var/lib/prosody/auth%2emy%2dmeet%2etest/accounts/focus.dat");
    expect(passwordIn([{ path: "/j", content: 'jicofo.xmpp.client.password = "s3\\"cret"\n', owner: "", group: "", mode: "" }])).toBe('s3"cret');
    const ini = inventoryIni([{ name: "bench-1", ip: "127.0.0.9", keyFile: "/k", knownHostsFile: "/kh" } as never]);
    expect(ini).toBe("[jitsi]\nbench-1 ansible_host=127.0.0.9 ansible_user=arch ansible_ssh_private_key_file=/k ansible_ssh_common_args='-o UserKnownHostsFile=/kh'\n");
  });
});
