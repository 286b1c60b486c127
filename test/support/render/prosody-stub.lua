-- Test helper: load a Prosody config file with stub VirtualHost/Component/Include and print its settings as JSON.
-- Prosody's own loader works the same way: assignments after `VirtualHost "x"` belong to that host.
local cjson = require "cjson"
local result = { global = {}, sections = {}, includes = {} }
local current = result.global
local env = {}
env.VirtualHost = function(name)
  local s = { kind = "VirtualHost", name = name, settings = {} }
  table.insert(result.sections, s); current = s.settings
end
env.Component = function(name)
  local s = { kind = "Component", name = name, settings = {} }
  table.insert(result.sections, s); current = s.settings
  return function(module) s.module = module end
end
env.Include = function(pattern) table.insert(result.includes, pattern) end
setmetatable(env, {
  __newindex = function(_, k, v) current[k] = v end,
  __index = function(_, k) error("config reads unknown global " .. tostring(k), 2) end,
})
local chunk = assert(loadfile(arg[1], "t", env))
chunk()
io.write(cjson.encode(result))
