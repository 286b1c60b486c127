-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/util.lib.lua
-- (sandbox test infrastructure; only the helpers the stand-in modules use).
local jid = require "util.jid";
local um_is_admin = require "core.usermanager".is_admin;

local M = {};

--- True when the JID is a global admin or an admin of this module's host.
function M.is_admin(user_jid)
    if user_jid == nil then
        return false;
    end
    return um_is_admin(jid.bare(user_jid), module.host) and true or false;
end

--- Returns the live MUC room for a room JID, or nil.
function M.get_room_from_jid(room_jid)
    local _, host = jid.split(room_jid);
    local component = host and prosody.hosts[host];
    local muc = component and component.modules.muc;
    if muc == nil then
        return nil;
    end
    return muc.get_room_from_jid(jid.bare(room_jid));
end

--- True when s ends with suffix.
function M.ends_with(s, suffix)
    return s ~= nil and suffix ~= nil and (suffix == "" or s:sub(-#suffix) == suffix);
end

--- True for jicofo's health-check rooms (__jicofo-health-check...).
function M.is_healthcheck_room(room_jid)
    return room_jid ~= nil and room_jid:find("^__jicofo%-health%-check") ~= nil;
end

--- A token without its signature part, safe to log.
function M.strip_jwt_signature(token)
    if type(token) ~= "string" then
        return token;
    end
    return (token:gsub("%.[^%.]*$", ".REDACTED"));
end

--- Splits "[sub]room" into sub, room (nil when there is no subdomain part).
function M.extract_subdomain(room_node)
    if room_node == nil then
        return nil, nil;
    end
    return room_node:match("^%[([^%]]+)%](.+)$");
end

return M;
