// Parse `prosodyctl about`: Prosody version, Lua version, data directory and Lua search paths.

export interface ProsodyAbout {
  prosodyVersion?: string;
  luaVersion?: string;
  dataDir?: string;
  luaPath: string[];
  luaCPath: string[];
}

/** Facts from `prosodyctl about` output; absent fields are undefined. */
export function parseProsodyAbout(text: string): ProsodyAbout {
  const lines = text.split("\n");
  const section = (title: string): string[] => {
    const i = lines.findIndex((l) => l.trim() === title);
    if (i < 0) return [];
    const out: string[] = [];
    for (const l of lines.slice(i + 1)) {
      if (!/^\s+\S/.test(l)) break;
      out.push(l.trim());
    }
    return out;
  };
  return {
    prosodyVersion: /^Prosody (\S+)/m.exec(text)?.[1],
    luaVersion: /^Lua version:\s*Lua (\d+\.\d+)/m.exec(text)?.[1],
    dataDir: /^Data directory:\s*(\S+)/m.exec(text)?.[1],
    luaPath: section("Lua module search paths:"),
    luaCPath: section("Lua C module search paths:"),
  };
}

/** The Lua interpreter named by a script's shebang (`#!/usr/bin/env lua5.4` → lua5.4). */
export function interpreterFromShebang(line: string): string | undefined {
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(line.trim());
  if (!m) return undefined;
  return m[1]!.endsWith("/env") ? m[2] : m[1];
}
