// The rendered site and include checked by the real `nginx -t` (test/setup.sh installs nginx-light; openssl makes a
// throwaway certificate); the pure tests are in nginx.test.ts.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureNginxInclude, renderNginxSite, type NginxParams } from "./nginx.js";
import { fixture } from "../../test/support/render/golden.js";
import { NGINX_PARAMS } from "../../test/support/render/params.js";

const PARAMS: NginxParams = NGINX_PARAMS;

const arch = fixture("nginx.conf.arch");

describe("with the real nginx", () => {
  const nginx = spawnSync("nginx", ["-v"]).status === 0;
  it.skipIf(!nginx)("nginx -t accepts nginx.conf with the block and the site", () => {
    const dir = mkdtempSync(join(tmpdir(), "nginx-test-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=meet.example.com", "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem")], { stdio: "ignore" });
    const site = renderNginxSite({ ...PARAMS, cert: join(dir, "c.pem"), key: join(dir, "k.pem"), listen: "127.0.0.1" });
    writeFileSync(join(dir, "site.conf"), site);
    const conf = ensureNginxInclude(arch).content.replace("include /etc/nginx/sites-enabled/*.conf;", `include ${join(dir, "site.conf")};`).replace("error_log  /var/log/nginx/error.log;", `error_log ${join(dir, "error.log")};\npid ${join(dir, "nginx.pid")};`);
    writeFileSync(join(dir, "nginx.conf"), conf.replace("include       mime.types;", "include /etc/nginx/mime.types;"));
    const r = spawnSync("nginx", ["-t", "-c", join(dir, "nginx.conf"), "-p", dir], { encoding: "utf8" });
    expect(r.stderr).toMatch(/test is successful/);
    // And it notices a broken site (so the check above can fail).
    writeFileSync(join(dir, "site.conf"), site.replace("proxy_http_version 1.1;", "proxy_http_version;"));
    expect(spawnSync("nginx", ["-t", "-c", join(dir, "nginx.conf"), "-p", dir], { encoding: "utf8" }).status).not.toBe(0);
  });
});
