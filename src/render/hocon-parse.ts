// A small HOCON reader for the subset config files use: objects with merge, dotted keys, `:`/`=`/no separator,
// comments, quoted/unquoted/triple-quoted strings, value concatenation, arrays, `+=`, and `${path}` substitutions
// that refer to other keys. `include` statements are recorded, not followed. Synchronous and side-effect free.

/** A parsed HOCON value. Unquoted numbers and booleans become numbers and booleans when they print back the same. */
export type HoconValue = string | number | boolean | null | HoconValue[] | HoconObject | HoconUnresolved;
/** A HOCON object (keys in insertion order). */
export interface HoconObject {
  [key: string]: HoconValue;
}
/** A value we cannot know from this file alone (a substitution of a missing key or an environment variable). */
export class HoconUnresolved {
  constructor(readonly reason: string) {}
}

/** Result of parsing: the merged root, the include statements seen, and where a braced root closes. */
export interface HoconDocument {
  root: HoconObject;
  includes: string[];
  /** Offset of the `}` that closes a root written as `{ ... }`, or undefined for a brace-less root. */
  rootCloseOffset?: number;
}

/** A syntax error with its 1-based line number. */
export class HoconSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

class Subst {
  constructor(
    readonly path: string[],
    readonly optional: boolean,
  ) {}
}
/** A value before substitutions are resolved: concatenation pieces. */
type Raw = { kind: "value"; pieces: Piece[] };
type Piece =
  | { t: "str"; v: string; quoted: boolean }
  | { t: "ws"; v: string }
  | { t: "obj"; v: RawObject }
  | { t: "arr"; v: Raw[] }
  | { t: "subst"; v: Subst };
type RawObject = Array<{ path: string[]; append: boolean; value: Raw }>;

const FORBIDDEN_UNQUOTED = new Set([..."$\"{}[]:=,+#`^?!@*&\\"]);

class Parser {
  private i = 0;
  readonly includes: string[] = [];
  rootCloseOffset?: number;
  constructor(private readonly s: string) {}

  private line(at = this.i): number {
    let n = 1;
    for (let k = 0; k < at && k < this.s.length; k++) if (this.s[k] === "\n") n++;
    return n;
  }
  private fail(msg: string, at = this.i): never {
    throw new HoconSyntaxError(msg, this.line(at));
  }
  private peek(o = 0): string {
    return this.s[this.i + o] ?? "";
  }
  private atComment(): boolean {
    return this.peek() === "#" || (this.peek() === "/" && this.peek(1) === "/");
  }
  private skipComment(): void {
    while (this.i < this.s.length && this.s[this.i] !== "\n") this.i++;
  }
  /** Skips spaces (not newlines) and comments up to (not including) the newline. */
  private skipInline(): void {
    for (;;) {
      const c = this.peek();
      if (c === "\n") return;
      if (c !== "" && /\s/.test(c)) this.i++;
      else if (this.atComment()) this.skipComment();
      else return;
    }
  }
  /** Skips whitespace, newlines, comments. */
  private skipAll(): void {
    for (;;) {
      const c = this.peek();
      if (c !== "" && /\s/.test(c)) this.i++;
      else if (this.atComment()) this.skipComment();
      else return;
    }
  }

  parseDocument(): RawObject {
    this.skipAll();
    if (this.peek() === "{") {
      this.i++;
      const body = this.parseFields("}");
      this.rootCloseOffset = this.i - 1;
      this.skipAll();
      if (this.i < this.s.length) this.fail("text after the closing brace of the root object");
      return body;
    }
    return this.parseFields("");
  }

  /** Fields until `close` ("}" or end of input when ""). Consumes the closing brace. */
  private parseFields(close: string): RawObject {
    const fields: RawObject = [];
    for (;;) {
      this.skipAll();
      while (this.peek() === ",") {
        this.i++;
        this.skipAll();
      }
      if (close === "" && this.i >= this.s.length) return fields;
      if (close !== "" && this.peek() === close) {
        this.i++;
        return fields;
      }
      if (this.i >= this.s.length) this.fail(`missing closing ${close}`);
      if (this.tryInclude()) continue;
      const keyStart = this.i;
      const path = this.parseKey();
      this.skipInlineSpaces();
      let append = false;
      if (this.peek() === ":" || this.peek() === "=") this.i++;
      else if (this.peek() === "+" && this.peek(1) === "=") {
        this.i += 2;
        append = true;
      } else if (this.peek() !== "{") this.fail("expected ':', '=' or '{' after a key", keyStart);
      this.skipAll();
      const value = this.parseValue();
      fields.push({ path, append, value });
      this.skipInline();
      const c = this.peek();
      if (c === "," || c === "\n") this.i++;
      else if (!(c === close || (close === "" && c === ""))) this.fail("unexpected character after a value");
    }
  }

  private skipInlineSpaces(): void {
    while (this.peek() !== "\n" && this.peek() !== "" && /\s/.test(this.peek())) this.i++;
  }

  /** `include "x"`, `include file("x")`, `include required(url("x"))`: recorded, never followed. */
  private tryInclude(): boolean {
    if (!this.s.startsWith("include", this.i) || !/\s/.test(this.s[this.i + 7] ?? "")) return false;
    const start = this.i;
    this.i += 7;
    this.skipInlineSpaces();
    let open = 0;
    for (;;) {
      const m = /^(required|file|url|classpath)\(/.exec(this.s.slice(this.i, this.i + 12));
      if (!m) break;
      this.i += m[0].length;
      open++;
      this.skipInlineSpaces();
    }
    if (this.peek() !== '"') this.fail("include without a quoted resource name", start);
    const name = this.parseQuoted();
    for (; open > 0; open--) {
      this.skipInlineSpaces();
      if (this.peek() !== ")") this.fail("unbalanced parentheses in include", start);
      this.i++;
    }
    this.includes.push(name);
    return true;
  }

  /** A path expression: unquoted segments split on '.', quoted segments kept whole. */
  private parseKey(): string[] {
    const segs: string[] = [];
    let cur = "";
    let any = false;
    for (;;) {
      const c = this.peek();
      if (c === '"') {
        if (this.s.startsWith('"""', this.i)) this.fail("triple-quoted keys are not supported");
        cur += this.parseQuoted();
        any = true;
      } else if (c === ".") {
        if (!any) this.fail("empty key segment");
        segs.push(cur);
        cur = "";
        any = false;
        this.i++;
      } else if (c === "" || c === "\n" || FORBIDDEN_UNQUOTED.has(c) || (c === "/" && this.peek(1) === "/")) {
        break;
      } else if (/\s/.test(c)) {
        // whitespace inside a key is kept only between two key parts on the same line
        let j = this.i;
        while (j < this.s.length && this.s[j] !== "\n" && /\s/.test(this.s[j]!)) j++;
        const n = this.s[j] ?? "";
        if (n === "" || n === "\n" || FORBIDDEN_UNQUOTED.has(n) || n === "." || n === "/") break;
        cur += this.s.slice(this.i, j);
        this.i = j;
      } else {
        cur += c;
        any = true;
        this.i++;
      }
    }
    if (!any) this.fail("expected a key");
    segs.push(cur);
    return segs;
  }

  private parseQuoted(): string {
    if (this.s.startsWith('"""', this.i)) {
      const start = this.i;
      this.i += 3;
      const end = this.s.indexOf('"""', this.i);
      if (end < 0) this.fail("unterminated triple-quoted string", start);
      let close = end;
      while (this.s[close + 3] === '"') close++; // extra quotes belong to the string
      const v = this.s.slice(this.i, close);
      this.i = close + 3;
      return v;
    }
    const start = this.i;
    this.i++;
    let v = "";
    for (;;) {
      const c = this.peek();
      if (c === "" || c === "\n") this.fail("unterminated quoted string", start);
      this.i++;
      if (c === '"') return v;
      if (c !== "\\") {
        v += c;
        continue;
      }
      const e = this.peek();
      this.i++;
      const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (e in simple) v += simple[e];
      else if (e === "u") {
        const hex = this.s.slice(this.i, this.i + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("bad \\u escape");
        v += String.fromCharCode(parseInt(hex, 16));
        this.i += 4;
      } else this.fail("bad escape sequence in a quoted string");
    }
  }

  /** A value: one or more concatenated pieces on the same line. */
  private parseValue(): Raw {
    const pieces: Piece[] = [];
    for (;;) {
      const c = this.peek();
      if (c === "{") {
        this.i++;
        pieces.push({ t: "obj", v: this.parseFields("}") });
      } else if (c === "[") {
        this.i++;
        pieces.push({ t: "arr", v: this.parseArray() });
      } else if (c === '"') {
        pieces.push({ t: "str", v: this.parseQuoted(), quoted: true });
      } else if (c === "$" && this.peek(1) === "{") {
        pieces.push({ t: "subst", v: this.parseSubst() });
      } else if (c !== "" && c !== "\n" && !FORBIDDEN_UNQUOTED.has(c) && !/\s/.test(c) && !this.atComment()) {
        let v = "";
        while (
          this.peek() !== "" &&
          !/\s/.test(this.peek()) &&
          !FORBIDDEN_UNQUOTED.has(this.peek()) &&
          !this.atComment()
        ) {
          v += this.peek();
          this.i++;
        }
        pieces.push({ t: "str", v, quoted: false });
      } else break;
      const ws0 = this.i;
      this.skipInlineSpaces();
      if (this.i > ws0) pieces.push({ t: "ws", v: this.s.slice(ws0, this.i) });
    }
    while (pieces.length > 0 && pieces[pieces.length - 1]!.t === "ws") pieces.pop();
    if (pieces.length === 0) this.fail("expected a value");
    return { kind: "value", pieces };
  }

  private parseArray(): Raw[] {
    const out: Raw[] = [];
    for (;;) {
      this.skipAll();
      if (this.peek() === "]") {
        this.i++;
        return out;
      }
      if (this.i >= this.s.length) this.fail("missing closing ]");
      out.push(this.parseValue());
      this.skipInline();
      if (this.peek() === "," || this.peek() === "\n") this.i++;
      else if (this.peek() !== "]") this.fail("unexpected character in an array");
    }
  }

  private parseSubst(): Subst {
    const start = this.i;
    this.i += 2;
    const optional = this.peek() === "?";
    if (optional) this.i++;
    this.skipInlineSpaces();
    const path = this.parseKey();
    this.skipInlineSpaces();
    if (this.peek() !== "}") this.fail("unterminated substitution", start);
    this.i++;
    return new Subst(path, optional);
  }
}

/** Unquoted scalars: true/false/null and numbers that print back identically; everything else stays a string. */
function scalar(v: string): HoconValue {
  if (v === "true") return true;
  if (v === "false") return false;
  if (v === "null") return null;
  if (/^-?\d+(\.\d+)?$/.test(v) && String(Number(v)) === v) return Number(v);
  return v;
}

function isObject(v: HoconValue | undefined): v is HoconObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof HoconUnresolved);
}

/** Merges `b` over `a` (HOCON object merge; non-objects replace). */
function merge(a: HoconValue | undefined, b: HoconValue): HoconValue {
  if (isObject(a) && isObject(b)) {
    const out: HoconObject = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
    return out;
  }
  return b;
}

const PENDING = Symbol("pending");

/** Builds values; substitutions are looked up in the final root, so this runs in two passes. */
class Builder {
  root: HoconObject = {};
  constructor(private readonly lookup: (path: string[]) => HoconValue | undefined | typeof PENDING) {}

  build(fields: RawObject): HoconObject {
    const obj: HoconObject = {};
    for (const f of fields) {
      const v = this.value(f.value);
      if (v === undefined) {
        // ${?missing}: the field is not set, as in HOCON
        continue;
      }
      this.set(obj, f.path, v, f.append);
    }
    return obj;
  }

  private set(obj: HoconObject, path: string[], v: HoconValue, append: boolean): void {
    const [head, ...rest] = path as [string, ...string[]];
    if (rest.length > 0) {
      const sub: HoconObject = {};
      this.set(sub, rest, v, append);
      obj[head] = merge(obj[head], sub);
      return;
    }
    if (append) {
      const prev = obj[head];
      obj[head] = Array.isArray(prev) ? [...prev, v] : prev === undefined ? [v] : new HoconUnresolved("+= on a non-array");
      return;
    }
    obj[head] = merge(obj[head], v);
  }

  value(raw: Raw): HoconValue | undefined {
    const parts: Array<HoconValue | undefined> = [];
    const kinds: string[] = [];
    for (const p of raw.pieces) {
      if (p.t === "ws") continue;
      kinds.push(p.t);
      if (p.t === "str") parts.push(p.v);
      else if (p.t === "obj") parts.push(this.build(p.v));
      else if (p.t === "arr") parts.push(p.v.map((r) => this.value(r) ?? new HoconUnresolved("optional substitution in array")));
      else {
        const got = this.lookup(p.v.path);
        if (got === PENDING) parts.push(new HoconUnresolved(`substitution \${${p.v.path.join(".")}}`));
        else if (got === undefined) {
          if (p.v.optional && raw.pieces.filter((x) => x.t !== "ws").length === 1) return undefined;
          parts.push(new HoconUnresolved(`substitution \${${p.v.path.join(".")}} (not in this file; maybe an environment variable)`));
        } else parts.push(got);
      }
    }
    if (parts.length === 1) {
      const only = parts[0]!;
      const piece = raw.pieces.find((x) => x.t !== "ws")!;
      return piece.t === "str" && !piece.quoted ? scalar(only as string) : only;
    }
    if (parts.some((x) => x instanceof HoconUnresolved)) return parts.find((x) => x instanceof HoconUnresolved);
    if (parts.every(isObject)) return parts.reduce<HoconValue>((a, b) => merge(a, b!), {});
    if (parts.every(Array.isArray)) return (parts as HoconValue[][]).flat();
    if (parts.some((x) => isObject(x) || Array.isArray(x))) return new HoconUnresolved("cannot concatenate an object or array with a string");
    // String concatenation keeps the whitespace between pieces.
    let out = "";
    let k = 0;
    for (const p of raw.pieces) {
      if (p.t === "ws") out += p.v;
      else {
        const v = parts[k++];
        out += v === null ? "null" : String(v);
      }
    }
    return out;
  }
}

/** Looks up a dotted path (already split) in an object. */
export function getPath(root: HoconObject, path: readonly string[]): HoconValue | undefined {
  let cur: HoconValue | undefined = root;
  for (const seg of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/** Parses HOCON text into a merged object; throws HoconSyntaxError with a line number on bad syntax. */
export function parseHocon(text: string): HoconDocument {
  const p = new Parser(text);
  const fields = p.parseDocument();
  // Pass 1 without substitutions, pass 2 resolves them against pass 1's root (enough for non-self-referential use).
  const first = new Builder(() => PENDING).build(fields);
  const second = new Builder((path) => {
    const v = getPath(first, path);
    return v instanceof HoconUnresolved ? PENDING : v;
  }).build(fields);
  return { root: second, includes: p.includes, rootCloseOffset: p.rootCloseOffset };
}
