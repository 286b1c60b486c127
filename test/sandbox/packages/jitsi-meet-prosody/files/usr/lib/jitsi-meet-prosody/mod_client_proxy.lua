-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_client_proxy.lua
-- (sandbox test infrastructure; behaviour per docs/jitsi.md §2.3).
-- Component "focus.DOMAIN" "client_proxy" with target_address = "focus@auth.DOMAIN":
-- IQs to the component are re-addressed to an available resource of the target with
-- from = focus.DOMAIN/<original full JID>; replies are routed back to that JID.
if module:get_host_type() ~= "component" then
    error("proxy_component should be loaded as component", 0);
end

local jid_split = require "util.jid".split;
local jid_bare = require "util.jid".bare;
local jid_prep = require "util.jid".prep;
local st = require "util.stanza";

local target_address = module:get_option_string("target_address");
if target_address == nil then
    module:log("error", "client_proxy needs target_address");
    return;
end

local resources = {}; -- ordered list of available target resources

-- Tracks the target's available resources from its presence.
local function handle_target_presence(stanza)
    local kind = stanza.attr.type;
    local _, _, resource = jid_split(stanza.attr.from);
    if kind == "error" then
        resources = {};
    elseif kind == "unavailable" then
        for i, r in ipairs(resources) do
            if r == resource then
                table.remove(resources, i);
                module:log("debug", "dropped target session: %s", tostring(resource));
                break;
            end
        end
    elseif kind == nil and resource then
        for _, r in ipairs(resources) do
            if r == resource then return; end
        end
        module:log("debug", "registered new target session: %s", resource);
        table.insert(resources, resource);
    end
end

-- Routes a result/error from the target back to the original sender.
local function handle_from_target(stanza)
    local kind = stanza.attr.type;
    if stanza.name == "iq" and (kind == "result" or kind == "error") then
        local _, _, encoded = jid_split(stanza.attr.to);
        local original = encoded and jid_prep(encoded);
        if not original then
            module:log("debug", "cannot de-NAT stanza, invalid to: %s", tostring(encoded));
            return;
        end
        stanza.attr.from = module.host;
        stanza.attr.to = original;
        module:send(stanza);
    elseif stanza.name ~= "presence" then
        module:send(st.error_reply(stanza, "cancel", "feature-not-implemented"));
    end
end

-- Forwards a client's IQ to the target, or answers service-unavailable.
local function handle_to_target(stanza)
    local kind = stanza.attr.type;
    if stanza.name == "presence" then
        if kind ~= "error" then
            module:send(st.error_reply(stanza, "cancel", "bad-request"));
        end
    elseif stanza.name == "iq" then
        if kind == "get" or kind == "set" then
            if #resources == 0 then
                module:log("debug", "no sessions to send to!");
                module:send(st.error_reply(stanza, "cancel", "service-unavailable"));
                return;
            end
            local resource = resources[math.random(#resources)];
            stanza.attr.from = module.host .. "/" .. stanza.attr.from;
            stanza.attr.to = target_address .. "/" .. resource;
            module:send(stanza);
        end
    elseif stanza.name == "message" then
        module:send(st.error_reply(stanza, "cancel", "feature-not-implemented"));
    end
end

local function stanza_handler(event)
    local stanza = event.stanza;
    local _, _, to_resource = jid_split(stanza.attr.to);
    if jid_bare(stanza.attr.from) == target_address then
        if not to_resource then
            if stanza.name == "presence" then
                handle_target_presence(stanza);
            else
                module:send(st.error_reply(stanza, "cancel", "bad-request"));
            end
        else
            handle_from_target(stanza);
        end
    else
        handle_to_target(stanza);
    end
    return true;
end

for _, kind in ipairs({ "iq", "message", "presence" }) do
    for _, addr in ipairs({ "bare", "full", "host" }) do
        module:hook(kind .. "/" .. addr, stanza_handler, -1);
    end
end

module:send(st.presence({ type = "subscribe", to = target_address, from = module.host }));
module:log("debug", "loaded proxy on %s", module.host);
