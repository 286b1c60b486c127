// Split the output of a gather script into named sections: a line "@@name [text]" starts section "name".

/** Sections of `@@name`-delimited output; text on the marker line begins the section's body. */
export function sections(output: string): Map<string, string> {
  const out = new Map<string, string>();
  let name = "";
  let body: string[] = [];
  const flush = () => out.set(name, body.join("\n").replace(/\n+$/, ""));
  for (const line of output.split("\n")) {
    const m = /^@@([\w.%-]+)(?: (.*))?$/.exec(line);
    if (m) {
      flush();
      name = m[1]!;
      body = m[2] !== undefined ? [m[2]] : [];
    } else body.push(line);
  }
  flush();
  return out;
}
