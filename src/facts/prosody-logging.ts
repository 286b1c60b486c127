// Where Prosody's error messages go, read from its effective configuration with Prosody's own config loader
// (Includes resolved, globals only, the way core.loggingmanager reads the `log` option). Arch's package logs to
// syslog (the journal) with the file sinks commented out; an operator may log to files instead. The restart task
// watches whatever this says.
import type { Fact } from "./fact.js";
import { sections } from "./sections.js";

export interface ProsodyLogging {
  /** Files that receive error-level messages. */
  files: string[];
  /** Error-level messages reach the journal (a syslog or console sink: systemd collects both). */
  journal: boolean;
  /** Why the configuration could not be read (the other fields then fall back to Prosody's default: console). */
  problem?: string;
}

// Runs with the interpreter and source directory named in /usr/bin/prosody, as root (the config is 0640).
// Prints "sink <type> [file]" per sink that receives error-level messages, or "problem <text>".
export const LOG_SINKS_LUA = `local src, cfg = arg[1], arg[2]
package.path = src .. "/?.lua;" .. package.path
package.cpath = src .. "/?.so;" .. package.cpath
if not pcall(require, "prosody.loader") then pcall(require, "loader") end
local ok, cm = pcall(require, "prosody.core.configmanager")
if not ok then cm = require "core.configmanager" end
local loaded, kind, err = cm.load(cfg)
if not loaded then print("problem " .. tostring(kind) .. ": " .. tostring(err):gsub("\\n", " ")) end
local levels = { "debug", "info", "warn", "error" }
local function has_error(criteria)
  if type(criteria) == "string" then return criteria == "error" end
  if type(criteria) ~= "table" then return false end
  for _, l in ipairs(criteria) do if l == "error" then return true end end
  if criteria.max and criteria.max ~= "error" then return false end
  return criteria.min ~= nil or criteria.max == "error"
end
local function sink(v)
  if v:match("^%*") then print("sink " .. v:sub(2)) else print("sink file " .. v) end
end
local log = loaded and cm.get("*", "log") or nil
if log == nil then print("sink console")
elseif type(log) == "string" then sink(log)
elseif type(log) == "table" then
  for _, level in ipairs(levels) do if type(log[level]) == "string" then sink(log[level]) end end
  for _, sc in ipairs(log) do
    if type(sc) == "string" then sink(sc)
    elseif type(sc) == "table" and has_error(sc.levels or levels) then
      if sc.to == "file" and sc.filename then print("sink file " .. sc.filename) elseif sc.to then print("sink " .. sc.to) end
    end
  end
end`;

// $1 Lua code, $2 config file. The interpreter and source dir come from Prosody's own launcher.
export const LOG_SINKS = `interp=$(head -n1 /usr/bin/prosody 2>/dev/null | sed -n 's/^#! *//; s/^[^ ]*\\/env  *//; s/ .*//; p')
src=$(sed -n "s/^CFG_SOURCEDIR *= *['\\"]\\([^'\\"]*\\)['\\"].*/\\1/p" /usr/bin/prosody 2>/dev/null | head -n1)
echo "@@sinks"
[ -n "$interp" ] && [ -n "$src" ] || { echo "problem /usr/bin/prosody names no Lua interpreter or source directory"; exit 0; }
"$interp" -e "$1" /dev/null "$src" "$2" 2>&1 | tail -n 20; exit 0`;

/** Parse LOG_SINKS output. */
export function parseLogSinks(output: string): ProsodyLogging {
  const lines = (sections(output).get("sinks") ?? "").split("\n").filter(Boolean);
  const files: string[] = [];
  let journal = false;
  let problem: string | undefined;
  for (const line of lines) {
    const m = /^sink (\S+)(?: (.+))?$/.exec(line);
    if (!m) {
      problem = problem ?? line.replace(/^problem /, "");
      continue;
    }
    if (m[1] === "file" && m[2]) files.includes(m[2]) || files.push(m[2]);
    else if (m[1] === "syslog" || m[1] === "console" || m[1] === "stdout") journal = true;
  }
  // Unreadable: Prosody would not start with it either; watch the journal, where systemd puts its complaint.
  if (problem !== undefined && files.length === 0) journal = true;
  return { files, journal, ...(problem !== undefined ? { problem } : {}) };
}

/** The fact: Prosody's effective error-log destinations, read with Prosody's own config loader (as root). */
export function prosodyLogging(configPath: string): Fact<ProsodyLogging> {
  return { name: "prosody-log-sinks", script: LOG_SINKS, args: [LOG_SINKS_LUA, configPath], parse: parseLogSinks };
}
