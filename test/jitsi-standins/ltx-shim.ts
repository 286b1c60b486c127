// Typed access to the untyped `ltx` package (XML elements and parsing) for the stand-in tests.
import { createRequire } from "node:module";

/** The subset of an ltx Element the tests use. */
export interface Element {
  name: string;
  attrs: Record<string, string | undefined>;
  children: Array<Element | string>;
  getChild(name: string, xmlns?: string): Element | undefined;
  getChildren(name: string, xmlns?: string): Element[];
  getChildText(name: string, xmlns?: string): string | null;
  getText(): string;
  toString(): string;
}

interface LtxModule {
  parse(text: string): Element;
}

const ltx = createRequire(import.meta.url)("ltx") as LtxModule;

/** Parses one complete XML element. */
export function parse(text: string): Element {
  return ltx.parse(text);
}
