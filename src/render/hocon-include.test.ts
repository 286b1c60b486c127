// Text-level edits of the package's HOCON files: our include line last, the old managed block removed by its markers.
// The checks that Typesafe Config resolves the results as meant are in jicofo.local.test.ts and jvb.local.test.ts.
import { describe, expect, it } from "vitest";
import { HostError } from "../errors.js";
import { ensureIncludeLast, findOldBlock, includeStatement, readRenderedString } from "./hocon-include.js";
import { hoconString } from "./hocon.js";
import { HOSTILE_STRINGS } from "../../test/support/render/hostile.js";

const INC = includeStatement("provision.conf");
const LINE = `${INC} # provision: keep this line last (settings after it would override provision's)`;
const edit = (s: string) => ensureIncludeLast(s, INC, "/etc/x/x.conf");

describe("includeStatement", () => {
  it("is a required include of a quoted name, the name through hoconString", () => {
    expect(INC).toBe('include required("provision.conf")');
    expect(includeStatement('a"b\\c')).toBe(`include required(${hoconString('a"b\\c')})`);
  });
});

describe("ensureIncludeLast", () => {
  it("appends the line after a blank line, keeping every byte before it", () => {
    expect(edit("jicofo {\n}\n")).toBe(`jicofo {\n}\n\n${LINE}\n`);
    expect(edit("jicofo {\n}")).toBe(`jicofo {\n}\n\n${LINE}\n`);
    expect(edit("a = 1\n\n\n")).toBe(`a = 1\n\n${LINE}\n`);
    expect(edit("")).toBe(`${LINE}\n`);
  });

  it("is idempotent and keeps exactly one line, moved to the end when something was added after it", () => {
    const once = edit("a = 1\n");
    expect(edit(once)).toBe(once);
    const appended = `${once}jicofo.xmpp.client.password = "operator"\n`;
    const again = edit(appended);
    expect(again).toBe(`a = 1\n\njicofo.xmpp.client.password = "operator"\n\n${LINE}\n`);
    expect(again.split(INC).length).toBe(2);
    // A copy an operator indented into an object goes too: the line belongs at the root.
    expect(edit(`jicofo {\n  ${INC}\n}\n`)).toBe(`jicofo {\n}\n\n${LINE}\n`);
  });

  it("puts the line inside a root written as { ... }, before its closing brace (comments after it stay)", () => {
    expect(edit("// pkg\n{\n  a = 1\n}\n# end\n")).toBe(`// pkg\n{\n  a = 1\n  ${LINE}\n}\n# end\n`);
    const once = edit("{\n  a = 1\n}\n");
    expect(edit(once)).toBe(once);
  });

  it("refuses a braced root whose last line is not the closing brace alone, naming the fix", () => {
    const e = (() => {
      try {
        edit("{\n  a = 1 }\n");
      } catch (x) {
        return x as HostError;
      }
    })();
    expect(e).toBeInstanceOf(HostError);
    expect([e!.where, e!.message, e!.fix]).toEqual(["/etc/x/x.conf", expect.stringMatching(/last line is not the closing brace alone/), 'put "}" on a line of its own, then run again']);
  });

  it("removes the managed block of an earlier version by its markers, exactly, wherever it is", () => {
    const block = '# BEGIN provision-managed: old\njicofo {\n  x = "y"\n}\n# END provision-managed\n';
    expect(edit(`a = 1\n\n${block}`)).toBe(edit("a = 1\n"));
    expect(edit(`a = 1\n${block}b = 2\n`)).toBe(`a = 1\nb = 2\n\n${LINE}\n`);
    expect(edit(`{\n  a = 1\n${block}}\n`)).toBe(edit("{\n  a = 1\n}\n"));
  });

  it("refuses a damaged old block (one marker, two BEGINs, END first) and changes nothing", () => {
    for (const s of ["# BEGIN provision-managed\na = 1\n", "# BEGIN provision-managed\n# BEGIN provision-managed\n# END provision-managed\n", "# END provision-managed\n# BEGIN provision-managed\n"]) {
      expect(() => edit(s), s).toThrow(HostError);
      expect(() => edit(s), s).toThrow(/block of an earlier version is damaged/);
    }
  });

  it("findOldBlock gives whole lines, the END line's newline included", () => {
    const s = "a\n  # BEGIN provision-managed: x\nb\n# END provision-managed\nc\n";
    const at = findOldBlock(s, "f")!;
    expect(s.slice(0, at[0]) + s.slice(at[1])).toBe("a\nc\n");
  });
});

describe("readRenderedString", () => {
  it("round-trips every hostile string rendered with hoconString", () => {
    for (const s of HOSTILE_STRINGS) {
      const text = `# x = "decoy"\na.password = ${hoconString(s)}\nb = 1\n`;
      expect(readRenderedString(text, "a.password"), JSON.stringify(s)).toBe(s);
    }
  });

  it("reads only our one-line format: no line, two lines or an unquoted value give undefined", () => {
    expect(readRenderedString("a = 1\n", "password")).toBeUndefined();
    expect(readRenderedString('password = "x"\npassword = "y"\n', "password")).toBeUndefined();
    expect(readRenderedString("password = x\n", "password")).toBeUndefined();
    expect(readRenderedString('apassword = "x"\n', "password")).toBeUndefined();
    expect(readRenderedString('  password = "x"  \n', "password")).toBe("x");
  });
});
