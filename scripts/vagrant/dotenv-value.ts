// Escape one value for a dotenv file so that `dotenv.parse` reads back exactly the same string.
import { ProvisionError } from "../../src/errors.js";

// Written bare: no spaces, no '#', no quotes, nothing dotenv trims or treats specially.
const BARE = /^[A-Za-z0-9_./:@+,=~%-]+$/;
// dotenv has no escapes for these: a line break would end the value, NUL and friends are junk.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The text to put after `KEY=` so that dotenv (v17 `parse`) returns `value` unchanged.
 * dotenv has no escape sequences except `\n`/`\r` inside double quotes, so a value is written
 * bare when it is plain, otherwise inside the first quote character it does not contain
 * (' then " then `). A value ending in a backslash cannot be quoted (the backslash would
 * escape the closing quote) and is refused like values with control characters.
 */
export function dotenvValue(value: string): string {
  if (CONTROL.test(value))
    throw new ProvisionError("cannot write a value with control characters (line breaks, tabs) into a .env file", {
      fix: "use a value without line breaks or tabs",
    });
  if (BARE.test(value)) return value;
  if (value === "") return "''";
  if (!value.endsWith("\\")) {
    if (!value.includes("'")) return `'${value}'`;
    // Double quotes turn the two-character sequences \n and \r into line breaks.
    if (!value.includes('"') && !/\\[nr]/.test(value)) return `"${value}"`;
    if (!value.includes("`")) return `\`${value}\``;
  }
  throw new ProvisionError("cannot write this value into a .env file: dotenv has no way to quote it", {
    lines: ["it ends with a backslash, or contains all three quote characters ' \" `"],
    fix: "use a value without a trailing backslash that lacks at least one kind of quote",
  });
}

/** One `KEY=value` line, the key checked against what dotenv accepts. */
export function dotenvLine(key: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ProvisionError(`invalid .env key ${JSON.stringify(key)}`);
  return `${key}=${dotenvValue(value)}`;
}
