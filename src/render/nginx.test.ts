import { describe, expect, it } from "vitest";
import { ensureNginxInclude, NGINX_INCLUDE_BLOCK, nginxValue, renderNginxSite, type NginxParams } from "./nginx.js";
import { HostError, UsageError } from "../errors.js";
import { expectGolden, fixture } from "../../test/support/render/golden.js";
import { NGINX_PARAMS } from "../../test/support/render/params.js";

// `nginx -t` on the result is in nginx.local.test.ts.

const PARAMS: NginxParams = NGINX_PARAMS;

describe("nginxValue", () => {
  it("lets domains, addresses and paths through and refuses anything nginx could interpret", () => {
    for (const ok of ["meet.example.com", "127.0.0.1", "[::1]", "/etc/x-y/z_1.conf"]) expect(nginxValue(ok)).toBe(ok);
    for (const bad of ["a$host", "a;b", "a b", "a{", "a}", 'a"b', "a'b", "a\nb", "a#b", "", "ü"]) expect(() => nginxValue(bad)).toThrow(expect.objectContaining({ message: expect.stringMatching(/^refusing/), fix: expect.stringMatching(/^use only letters/) }));
    expect(() => nginxValue("a$host")).toThrow(UsageError);
  });
});

describe("renderNginxSite", () => {
  it("matches the golden file", () => {
    expectGolden("nginx.meet.example.com.conf", renderNginxSite(PARAMS));
  });
  it("listens on one address when given one", () => {
    const site = renderNginxSite({ ...PARAMS, listen: "192.0.2.7" });
    expect(site).toContain("listen 192.0.2.7:443 ssl;");
    expect(site).not.toContain("listen [::]:443");
    expect(renderNginxSite({ ...PARAMS, listen: "2001:db8::1" })).toContain("listen [2001:db8::1]:80;");
  });
});

const arch = fixture("nginx.conf.arch");

describe("ensureNginxInclude", () => {
  it("puts the managed block first in the http block, and nothing else changes", () => {
    const { content, changed } = ensureNginxInclude(arch);
    expect(changed).toBe(true);
    expect(content.replace(`${NGINX_INCLUDE_BLOCK}`, "")).toBe(arch);
    expect(content).toMatch(/^http \{\n {4}# BEGIN provision-managed/m);
    expect(ensureNginxInclude(content)).toEqual({ content, changed: false });
  });
  it("replaces an outdated block in place and ignores a commented-out http line", () => {
    const old = arch.replace("http {\n", "#http {\nhttp {\n    # BEGIN provision-managed: old\n    include old/*.conf;\n    # END provision-managed\n");
    const { content } = ensureNginxInclude(old);
    expect(content).not.toContain("old/*.conf");
    expect(content).toContain("#http {\nhttp {\n" + NGINX_INCLUDE_BLOCK);
  });
  it("refuses a file without an http block", () => {
    expect(() => ensureNginxInclude("events {}\n# http {\n")).toThrow(HostError);
    expect(() => ensureNginxInclude("events {}\n# http {\n")).toThrow(expect.objectContaining({ where: "/etc/nginx/nginx.conf", message: expect.stringMatching(/^no http \{ \} block/), fix: "restore the package's nginx.conf" }));
  });
  it("refuses a managed block without its END line", () => {
    expect(() => ensureNginxInclude("http {\n    # BEGIN provision-managed: x\n}\n")).toThrow(expect.objectContaining({ where: "/etc/nginx/nginx.conf", message: expect.stringMatching(/no END line/) }));
  });
});
