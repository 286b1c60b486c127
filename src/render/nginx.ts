// Renders the nginx site for the Jitsi web app (docs/jitsi.md §3.4) and ensures nginx.conf includes it.
import { HostError, UsageError } from "../errors.js";
import { lexNginxLines } from "./nginx-lines.js";
import { PATHS } from "../platform.js";

/** Inputs of the site file. */
export interface NginxParams {
  domain: string;
  /** Address nginx listens on; undefined = every address. */
  listen?: string;
  /** Where Prosody's HTTP listener is, as address (port 5280). */
  prosodyAddress: string;
  cert: string;
  key: string;
  webRoot: string;
  configJs: string;
}

const SITES_DIR = PATHS.nginxSites;
const NGINX_CONF = PATHS.nginxConf;

/** The site file of a domain. */
export function nginxSitePath(domain: string): string {
  return `${SITES_DIR}/${domain}.conf`;
}

/**
 * The one escaping function for values put into nginx configuration. nginx has no escape for `$` (variables
 * expand even inside quotes), so instead of escaping, anything beyond a conservative character set is refused;
 * every value we render (domains, addresses, absolute paths) fits in it.
 */
export function nginxValue(value: string): string {
  if (!/^[A-Za-z0-9._:/\[\]-]+$/.test(value)) {
    throw new UsageError(`refusing to put ${JSON.stringify(value)} into nginx configuration`, {
      fix: "use only letters, digits and . _ : / [ ] - (domains, IP addresses and absolute paths fit)",
    });
  }
  return value;
}

function listenOn(listen: string | undefined, port: string): string[] {
  if (!listen) return [`listen ${port}`, `listen [::]:${port}`];
  const addr = listen.includes(":") && !listen.startsWith("[") ? `[${listen}]` : listen;
  return [`listen ${nginxValue(addr)}:${port}`];
}

/** The whole site file: HTTP → HTTPS redirect, the web app, config.js, and the BOSH/WebSocket proxies to Prosody. */
export function renderNginxSite(p: NginxParams): string {
  const d = nginxValue(p.domain);
  const root = nginxValue(p.webRoot);
  const prosody = `${nginxValue(p.prosodyAddress.includes(":") ? `[${p.prosodyAddress}]` : p.prosodyAddress)}:5280`;
  const l80 = listenOn(p.listen, "80").map((l) => `    ${l};`).join("\n");
  const l443 = listenOn(p.listen, "443 ssl").map((l) => `    ${l};`).join("\n");
  return `# Managed by provision: this file is overwritten on every run; local edits will be lost.
# Jitsi Meet for ${d}: the web app, its config.js, and BOSH/WebSocket proxied to Prosody.
# Query strings (which carry tokens) are left out of the access log (log format provision_redacted).

server {
${l80}
    server_name ${d};
    access_log /var/log/nginx/access.log provision_redacted;
    location / {
        return 301 https://$host$request_uri;
    }
}

server {
${l443}
    server_name ${d};
    access_log /var/log/nginx/access.log provision_redacted;

    ssl_certificate ${nginxValue(p.cert)};
    ssl_certificate_key ${nginxValue(p.key)};
    ssl_protocols TLSv1.2 TLSv1.3;

    root ${root};
    index index.html;
    ssi on;
    ssi_types application/x-javascript application/javascript;
    # nginx adds this to the XMPP URLs: tenant support (empty: no tenant).
    set $prefix "";

    location = /config.js {
        alias ${nginxValue(p.configJs)};
    }

    location ~ ^/(libs|css|static|images|fonts|lang|sounds|.well-known)/(.*)$ {
        add_header Access-Control-Allow-Origin *;
        alias ${root}/$1/$2;
    }

    location = /http-bind {
        proxy_pass http://${prosody}/http-bind?prefix=$prefix&$args;
        proxy_set_header X-Forwarded-For $remote_addr;
        proxy_set_header Host $http_host;
    }

    location = /xmpp-websocket {
        proxy_pass http://${prosody}/xmpp-websocket?prefix=$prefix&$args;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_set_header Host $http_host;
        tcp_nodelay on;
        proxy_read_timeout 900s;
    }

    # Room URLs (/<room>) serve the app.
    location ~ ^/([^/?&:'"]+)$ {
        try_files $uri @root_path;
    }
    location @root_path {
        rewrite ^/(.*)$ / break;
    }
}
`;
}

/** The managed block put at the top of nginx.conf's http {} (once for every site). */
export const NGINX_INCLUDE_BLOCK = `    # BEGIN provision-managed: Jitsi Meet sites. Do not edit this block.
    map $request_uri $provision_log_uri {
        "~^(?<provision_path>[^?]*)\\?" "$provision_path?[query removed]";
        default $request_uri;
    }
    log_format provision_redacted '$remote_addr - $remote_user [$time_local] "$request_method $provision_log_uri $server_protocol" $status $body_bytes_sent "$http_referer" "$http_user_agent"';
    include ${SITES_DIR}/*.conf;
    # END provision-managed
`;

/** Ensure nginx.conf's http block starts with the managed block (replaced in place if it differs); idempotent. */
export function ensureNginxInclude(conf: string): { content: string; changed: boolean } {
  const begin = conf.indexOf("# BEGIN provision-managed");
  if (begin >= 0) {
    const lineStart = conf.lastIndexOf("\n", begin) + 1;
    const endMarker = conf.indexOf("# END provision-managed", begin);
    if (endMarker < 0) throw new HostError("the provision-managed block has no END line", { where: NGINX_CONF, fix: "remove the partial block and run again" });
    const lineEnd = conf.indexOf("\n", endMarker);
    const end = lineEnd < 0 ? conf.length : lineEnd + 1;
    const content = conf.slice(0, lineStart) + NGINX_INCLUDE_BLOCK + conf.slice(end);
    return { content, changed: content !== conf };
  }
  const http = lexNginxLines(conf).find((l) => /^http\s*\{$/.test(l.code));
  if (!http) throw new HostError("no http { } block to include the Jitsi site from", { where: NGINX_CONF, fix: "restore the package's nginx.conf" });
  const at = http.end;
  const content = `${conf.slice(0, at)}\n${NGINX_INCLUDE_BLOCK}${conf.slice(at).replace(/^\n/, "")}`;
  return { content, changed: true };
}
