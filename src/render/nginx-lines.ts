// A line view of nginx configuration with comments and quoted strings taken into account.

export interface NginxLine {
  /** The line's code without comments, trimmed. */
  code: string;
  /** Offset just after the line's end (before its newline). */
  end: number;
}

/** Each line's code part: text after an unquoted `#` is a comment; quotes may not span lines here. */
export function lexNginxLines(text: string): NginxLine[] {
  const out: NginxLine[] = [];
  let offset = 0;
  for (const line of text.split("\n")) {
    let code = "";
    let quote: string | null = null;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quote) {
        if (c === "\\") {
          code += c + (line[i + 1] ?? "");
          i++;
          continue;
        }
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "#") break;
      code += c;
    }
    out.push({ code: code.trim(), end: offset + line.length });
    offset += line.length + 1;
  }
  return out;
}
