// Edits /etc/webapps/jitsi-meet/config.js through its syntax tree (@babel/parser) to point the web client at our
// XMPP hosts (docs/jitsi.md §3.4). Edits are spliced into the original text at the positions the tree gives, so every byte we do
// not own (comments, quoting, blank lines) stays put. (recast.print was tried: adding a property makes it reprint the
// whole object literal and move neighbouring comments.)
import { parse as babelParse } from "@babel/parser";
import { HostError } from "../errors.js";
import { jsString } from "./js.js";
import { PATHS } from "../platform.js";

/** Where the AUR jitsi-meet package keeps config.js. */
const CONFIG_JS_PATH = PATHS.configJs;

/** Inputs for config.js. */
export interface ConfigJsParams {
  domain: string;
  guestDomain: string;
}

/** The hosts config.js currently points at (undefined when absent or not a plain string literal). */
export interface ConfigJsHosts {
  domain?: string;
  anonymousdomain?: string;
  muc?: string;
  bosh?: string;
  websocket?: string;
}

// Minimal views of the Babel AST nodes we touch.
interface Node {
  type: string;
  start: number;
  end: number;
  [k: string]: unknown;
}
interface ObjectExpression extends Node {
  type: "ObjectExpression";
  properties: Node[];
  extra?: { trailingComma?: number };
}
interface Edit {
  start: number;
  end: number;
  text: string;
}

function parse(content: string): Node[] {
  try {
    return babelParse(content, { sourceType: "script" }).program.body as unknown as Node[];
  } catch (e) {
    const err = e as Error & { loc?: { line: number } };
    const where = err.loc ? ` at line ${err.loc.line}` : "";
    throw new HostError(`not valid JavaScript${where} (${err.message.replace(/\s*\(\d+:\d+\)$/, "")})`, {
      where: CONFIG_JS_PATH,
      fix: "fix it or restore the file shipped by the jitsi-meet package, then run again",
    });
  }
}

function keyName(prop: Node): string | undefined {
  if (prop.type !== "ObjectProperty" || prop.computed) return undefined;
  const key = prop.key as Node;
  if (key.type === "Identifier") return key.name as string;
  if (key.type === "StringLiteral") return key.value as string;
  return undefined;
}

function stringValue(node: Node | undefined): string | undefined {
  return node?.type === "StringLiteral" ? (node.value as string) : undefined;
}

function propsNamed(obj: ObjectExpression, key: string): Node[] {
  return obj.properties.filter((p) => keyName(p) === key);
}

/** The object literal of the top-level `var|let|const config = { ... }`, if any. */
function findConfigObject(body: Node[]): ObjectExpression | undefined {
  for (const stmt of body) {
    if (stmt.type !== "VariableDeclaration") continue;
    for (const d of stmt.declarations as Node[]) {
      const id = d.id as Node;
      const init = d.init as Node | null;
      if (id.type === "Identifier" && id.name === "config" && init?.type === "ObjectExpression") return init as ObjectExpression;
    }
  }
  return undefined;
}

/** `config.a.b` / `config['a'].b` as ["config","a","b"], or undefined. */
function memberPath(node: Node): string[] | undefined {
  if (node.type === "Identifier") return [node.name as string];
  if (node.type !== "MemberExpression") return undefined;
  const obj = memberPath(node.object as Node);
  const prop = node.property as Node;
  const name = node.computed ? stringValue(prop) : prop.type === "Identifier" ? (prop.name as string) : undefined;
  return obj && name !== undefined ? [...obj, name] : undefined;
}

/** Top-level `config.x.y = value;` statements, in order (path without the leading "config"). */
function topLevelAssignments(body: Node[]): Array<{ path: string; right: Node }> {
  const out: Array<{ path: string; right: Node }> = [];
  for (const stmt of body) {
    if (stmt.type !== "ExpressionStatement") continue;
    const expr = stmt.expression as Node;
    if (expr.type !== "AssignmentExpression" || expr.operator !== "=") continue;
    const path = memberPath(expr.left as Node);
    if (path?.[0] === "config" && path.length > 1) out.push({ path: path.slice(1).join("."), right: expr.right as Node });
  }
  return out;
}

function lineIndent(src: string, at: number): string {
  const lineStart = src.lastIndexOf("\n", at - 1) + 1;
  return /^[ \t]*/.exec(src.slice(lineStart))![0];
}

/** Position after `pos` at which a new line can be opened without swallowing a trailing comment on that line. */
function endOfLine(src: string, pos: number): number {
  const nl = src.indexOf("\n", pos);
  const rest = src.slice(pos, nl < 0 ? src.length : nl);
  return /^[ \t]*(\/\*[^\n]*?\*\/[ \t]*)*(\/\/.*)?$/.test(rest) ? pos + rest.length : pos;
}

/** Edits that add `entries` ("key: value" texts) as new properties at the end of `obj`, in the file's style. */
function addProperties(src: string, obj: ObjectExpression, entries: string[]): Edit[] {
  const last = obj.properties[obj.properties.length - 1];
  if (!last) {
    const ind = lineIndent(src, obj.start);
    return [{ start: obj.start, end: obj.end, text: `{\n${ind}    ${entries.join(`,\n${ind}    `)}\n${ind}}` }];
  }
  if (!src.slice(obj.start, last.start).includes("\n")) {
    return [{ start: last.end, end: last.end, text: `, ${entries.join(", ")}` }]; // one-line object
  }
  const ind = lineIndent(src, last.start);
  const trailing = obj.extra?.trailingComma;
  if (trailing !== undefined) {
    const at = endOfLine(src, trailing + 1);
    return [{ start: at, end: at, text: entries.map((e) => `\n${ind}${e},`).join("") }];
  }
  const at = endOfLine(src, last.end);
  const text = `\n${ind}${entries.join(`,\n${ind}`)}`;
  return at === last.end
    ? [{ start: at, end: at, text: `,${text}` }]
    : [
        { start: last.end, end: last.end, text: "," },
        { start: at, end: at, text },
      ];
}

/** The values docs/jitsi.md §3.4 requires, keyed by their path under `config`. */
export function desiredConfigJs(p: ConfigJsParams): Record<string, string> {
  return {
    "hosts.domain": p.domain,
    "hosts.anonymousdomain": p.guestDomain,
    "hosts.muc": `conference.${p.domain}`,
    bosh: `https://${p.domain}/http-bind`,
    websocket: `wss://${p.domain}/xmpp-websocket`,
  };
}

/** Edits that make `obj[key]` the string `value` for each existing key (duplicates too); missing keys as "key: value" texts. */
function setStrings(obj: ObjectExpression, values: Array<[string, string]>): { edits: Edit[]; missing: string[] } {
  const edits: Edit[] = [];
  const missing: string[] = [];
  for (const [key, value] of values) {
    const props = propsNamed(obj, key);
    if (props.length === 0) missing.push(`${key}: ${jsString(value)}`);
    for (const p of props) {
      const v = p.value as Node;
      if (stringValue(v) !== value) edits.push({ start: v.start, end: v.end, text: jsString(value) });
    }
  }
  return { edits, missing };
}

/** Sets hosts.domain/anonymousdomain/muc, bosh and websocket in config.js, keeping every other byte; idempotent. */
export function editConfigJs(content: string, p: ConfigJsParams): string {
  const body = parse(content);
  const config = findConfigObject(body);
  if (!config) {
    throw new HostError("no top-level `var config = { ... }` object, so the XMPP hosts cannot be set", {
      where: CONFIG_JS_PATH,
      fix: "restore the file shipped by the jitsi-meet package (it defines `var config = {`), then run again",
    });
  }
  const assignments = topLevelAssignments(body);
  if (assignments.some((a) => a.path === "hosts")) {
    throw new HostError("`config.hosts` is replaced after the config object", {
      where: CONFIG_JS_PATH,
      fix: "remove that assignment (or set config.hosts.domain, .anonymousdomain and .muc one by one), then run again",
    });
  }
  const want = desiredConfigJs(p);
  const hostValues = (["domain", "anonymousdomain", "muc"] as const).map((k): [string, string] => [k, want[`hosts.${k}`]!]);
  const edits: Edit[] = [];
  // A top-level `host: { anonymousdomain }` (the popular guide's typo for `hosts`) is left alone: the client ignores
  // it and removing it could surprise whoever added it; `hosts`, which lib-jitsi-meet reads, is made right below.
  const hostsProps = propsNamed(config, "hosts");
  const hostsLast = hostsProps[hostsProps.length - 1];
  // Indentation of config's own properties, for a hosts object we write from scratch.
  const lastConfigProp = config.properties[config.properties.length - 1];
  const propIndent = lastConfigProp ? lineIndent(content, lastConfigProp.start) : `${lineIndent(content, config.start)}    `;
  const hostsText = `{\n${hostsValuesText(hostValues, `${propIndent}    `)}\n${propIndent}}`;
  const configMissing: string[] = [];
  if (!hostsLast) {
    configMissing.push(`hosts: ${hostsText}`);
  } else if ((hostsLast.value as Node).type !== "ObjectExpression") {
    const v = hostsLast.value as Node;
    edits.push({ start: v.start, end: v.end, text: hostsText });
  } else {
    const hosts = hostsLast.value as ObjectExpression;
    const r = setStrings(hosts, hostValues);
    edits.push(...r.edits);
    if (r.missing.length > 0) edits.push(...addProperties(content, hosts, r.missing));
  }
  const top = setStrings(config, [["bosh", want.bosh!], ["websocket", want.websocket!]]);
  edits.push(...top.edits);
  configMissing.push(...top.missing);
  if (configMissing.length > 0) edits.push(...addProperties(content, config, configMissing));
  // A later top-level `config.bosh = ...;` would win at runtime: set those too.
  for (const a of assignments) {
    const value = want[a.path];
    if (value !== undefined && stringValue(a.right) !== value) edits.push({ start: a.right.start, end: a.right.end, text: jsString(value) });
  }
  if (edits.length === 0) return content;
  let out = content;
  for (const e of [...edits].sort((x, y) => y.start - x.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  const check = readConfigJsHosts(out);
  for (const [path, value] of Object.entries(want)) {
    const key = path.replace(/^hosts\./, "") as keyof ConfigJsHosts;
    if (check[key] !== value) throw new Error(`internal error: editing ${CONFIG_JS_PATH} did not set ${path}`);
  }
  return out;
}

function hostsValuesText(values: Array<[string, string]>, ind: string): string {
  return values.map(([k, v]) => `${ind}${k}: ${jsString(v)}`).join(",\n");
}

/** Reads the effective hosts, bosh and websocket of config.js (later top-level assignments win); {} without a config object. */
export function readConfigJsHosts(content: string): ConfigJsHosts {
  const body = parse(content);
  const config = findConfigObject(body);
  if (!config) return {};
  const values = new Map<string, string | undefined>();
  const last = (obj: ObjectExpression, key: string) => propsNamed(obj, key).pop();
  const hostsValue = last(config, "hosts")?.value as Node | undefined;
  if (hostsValue?.type === "ObjectExpression") {
    for (const k of ["domain", "anonymousdomain", "muc"]) {
      values.set(`hosts.${k}`, stringValue(last(hostsValue as ObjectExpression, k)?.value as Node | undefined));
    }
  }
  for (const k of ["bosh", "websocket"]) values.set(k, stringValue(last(config, k)?.value as Node | undefined));
  for (const a of topLevelAssignments(body)) values.set(a.path, stringValue(a.right));
  const out: ConfigJsHosts = {};
  for (const [path, v] of values) {
    const key = path.replace(/^hosts\./, "");
    if (v !== undefined && ["domain", "anonymousdomain", "muc", "bosh", "websocket"].includes(key)) out[key as keyof ConfigJsHosts] = v;
  }
  return out;
}
