-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_roster_command.lua
-- (sandbox test infrastructure). Roster changes from prosodyctl:
--   prosodyctl mod_roster_command subscribe focus.DOMAIN focus@auth.DOMAIN
-- makes a one-way subscription: the user (here a component) sees the contact's presence.
if module.host ~= "*" then
    module:log("error", "Do not load this module in Prosody, for correct usage see: https://modules.prosody.im/mod_roster_command.html");
    return;
end

local prosody = _G.prosody;
local hosts = prosody.hosts;
prosody.bare_sessions = prosody.bare_sessions or {};
_G.bare_sessions = _G.bare_sessions or prosody.bare_sessions;

local usermanager = require "core.usermanager";
local rostermanager = require "core.rostermanager";
local storagemanager = require "core.storagemanager";
local jid = require "util.jid";
local warn = require "util.prosodyctl".show_warning;

-- Makes sure storage and auth are initialised for a host (prosodyctl does not).
local function init_host(host)
    if hosts[host].users == nil or hosts[host].users.name == "null" then
        storagemanager.initialize_host(host);
        usermanager.initialize_host(host);
    end
end

-- One-way subscription: user_jid is subscribed to contact_jid's presence.
local function subscribe(user_jid, contact_jid)
    local user_node, user_host = jid.split(user_jid);
    local contact_node, contact_host = jid.split(contact_jid);
    if not hosts[user_host] then
        warn("The host '%s' is not configured for this server.", tostring(user_host));
        return 1;
    end
    init_host(user_host);
    if user_node ~= nil then
        rostermanager.set_contact_pending_out(user_node, user_host, contact_jid);
    end
    if hosts[contact_host] then
        if contact_host ~= user_host then
            init_host(contact_host);
        end
        rostermanager.set_contact_pending_in(contact_node, contact_host, user_jid);
        rostermanager.subscribed(contact_node, contact_host, user_jid);
        if user_node ~= nil then
            rostermanager.process_inbound_subscription_approval(user_node, user_host, contact_jid);
        end
    end
    return 0;
end

-- Cancels user_jid's subscription to contact_jid.
local function unsubscribe(user_jid, contact_jid)
    local user_node, user_host = jid.split(user_jid);
    local contact_node, contact_host = jid.split(contact_jid);
    if not hosts[user_host] then
        warn("The host '%s' is not configured for this server.", tostring(user_host));
        return 1;
    end
    init_host(user_host);
    if user_node ~= nil then
        rostermanager.unsubscribe(user_node, user_host, contact_jid);
    end
    if hosts[contact_host] then
        if contact_host ~= user_host then
            init_host(contact_host);
        end
        rostermanager.unsubscribed(contact_node, contact_host, user_jid);
    end
    return 0;
end

function module.command(arg)
    local command = table.remove(arg, 1);
    if command == "subscribe" then
        return subscribe(arg[1], arg[2]);
    elseif command == "subscribe_both" then
        return math.max(subscribe(arg[1], arg[2]), subscribe(arg[2], arg[1]));
    elseif command == "unsubscribe" then
        return unsubscribe(arg[1], arg[2]);
    elseif command == "unsubscribe_both" then
        return math.max(unsubscribe(arg[1], arg[2]), unsubscribe(arg[2], arg[1]));
    end
    warn("Valid subcommands: (un)subscribe(_both)");
    return command == nil and 0 or 1;
end
