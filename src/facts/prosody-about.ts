// Parse `prosodyctl about`: Prosody version, Lua version and data directory.

export interface ProsodyAbout {
  prosodyVersion?: string;
  luaVersion?: string;
  dataDir?: string;
}

/** Facts from `prosodyctl about` output; absent fields are undefined. */
export function parseProsodyAbout(text: string): ProsodyAbout {
  return {
    prosodyVersion: /^Prosody (\S+)/m.exec(text)?.[1],
    luaVersion: /^Lua version:\s*Lua (\d+\.\d+)/m.exec(text)?.[1],
    dataDir: /^Data directory:\s*(\S+)/m.exec(text)?.[1],
  };
}
