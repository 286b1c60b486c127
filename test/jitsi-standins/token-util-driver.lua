-- Test driver: loads the stand-in token/util.lib.lua under plain lua5.4 with a fake
-- Prosody `module`, runs the calls given as JSON on stdin, prints JSON results.
-- Input: { "plugins": DIR, "options": {...}, "rooms": ["r@conference.x"], "admins": [...],
--          "calls": [ {"op":"verify","token":T} | {"op":"room","session":{...},"room":JID} ] }
-- Prosody 13's libraries require each other as "prosody.util.x"; its loader (as prosody itself installs it)
-- resolves that prefix. Prosody 0.12 has no loader and uses plain names.
pcall(require, "loader");
local cjson = require "cjson";
local input = cjson.decode(io.read("a"));
local plugins = input.plugins;
local options = input.options or {};
local logs = {};

local rooms = {};
for _, r in ipairs(input.rooms or {}) do rooms[r] = { jid = r, _data = {} }; end

-- Prosody globals the libraries touch.
_G.prosody = {
    events = { fire_event = function() return nil; end },
    hosts = setmetatable({}, { __index = function(_, host)
        return { modules = { muc = { get_room_from_jid = function(j) return rooms[j]; end } } };
    end }),
};
local admins = {};
for _, a in ipairs(input.admins or {}) do admins[a] = true; end
package.loaded["core.usermanager"] = { is_admin = function(j) return admins[j] or false; end };

local fake = { host = "conference.test" };
local function opt(name, default)
    local v = options[name];
    if v == nil or v == cjson.null then return default; end
    return v;
end
function fake:get_option_string(name, default) return opt(name, default); end
function fake:get_option_boolean(name, default) return opt(name, default); end
function fake:get_option_number(name, default) return opt(name, default); end
function fake:get_option_array(name, default) return opt(name, default); end
function fake:log(level, fmt, ...)
    local ok, msg = pcall(string.format, fmt, ...);
    table.insert(logs, level .. ": " .. (ok and msg or fmt));
end
function fake:require(name)
    local path = plugins .. "/" .. name .. ".lib.lua";
    local env = setmetatable({ module = fake }, { __index = _G });
    local chunk = assert(loadfile(path, "t", env));
    return chunk();
end
_G.module = fake;

local ok, Util = pcall(fake.require, fake, "token/util");
if not ok then
    print(cjson.encode({ load_error = tostring(Util) }));
    return;
end

local util = Util.new(fake);
local results = {};
for _, call in ipairs(input.calls or {}) do
    if util == nil then break; end
    if call.op == "verify" then
        local session = { auth_token = call.token ~= cjson.null and call.token or nil };
        local res, err, reason = util:process_and_verify_token(session);
        table.insert(results, { res = res, err = err, reason = reason,
            room = session.jitsi_meet_room, sub = session.jitsi_meet_domain,
            user = session.jitsi_meet_context_user, token_kept = session.auth_token ~= nil });
    elseif call.op == "room" then
        local res, err, reason = util:verify_room(call.session, call.room);
        table.insert(results, { res = res, err = err, reason = reason });
    end
end
print(cjson.encode({ util = util ~= nil, results = results, logs = logs }));
