-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_token_verification.lua
-- (sandbox test infrastructure; behaviour per docs/jitsi.md §1.2).
-- Loaded on the conference MUC component: every room create / occupant join by a
-- non-admin is checked with token_util:verify_room, using the token settings of the
-- parent VirtualHost (conference.DOMAIN -> DOMAIN).
local st = require "util.stanza";
local jid_split = require "util.jid".split;
local jid_bare = require "util.jid".bare;

local util = module:require "util";
local is_admin = util.is_admin;

local host = module.host;
local parent_host = string.gmatch(tostring(host), "%w+.(%w.+)")();
if parent_host == nil then
    module:log("error", "Failed to start - unable to get parent hostname");
    return;
end

local parent_ctx = module:context(parent_host);
if parent_ctx == nil then
    module:log("error", "Failed to start - unable to get parent context for host: %s", tostring(parent_host));
    return;
end

local token_util = module:require "token/util".new(parent_ctx);
if token_util == nil then
    return;
end

module:log("debug", "%s - starting MUC token verifier app_id: %s allow empty: %s",
    tostring(host), tostring(token_util.appId), tostring(token_util.allowEmptyToken));

local allowlist;
local function load_config()
    allowlist = module:get_option_set("token_verification_allowlist", {});
end
load_config();

-- Verifies one join/create; sends the error presence and returns false when refused.
local function verify_user(session, stanza)
    local user_jid = stanza.attr.from;
    if is_admin(user_jid) then
        return true;
    end

    local _, user_domain = jid_split(user_jid);
    if allowlist:contains(user_domain) or allowlist:contains(jid_bare(user_jid)) or session.type == "s2sin" then
        return true;
    end

    local res, err, reason = token_util:verify_room(session, stanza.attr.to);
    if not res then
        if not err and not reason then
            reason = "Room and token mismatched";
        end
        module:log("error", "User %s not allowed to join: %s token: %s token room: %s token sub: %s err: %s reason: %s",
            tostring(user_jid), tostring(stanza.attr.to), tostring(util.strip_jwt_signature(session.auth_token)),
            tostring(session.jitsi_meet_room), tostring(session.jitsi_meet_domain), tostring(err), tostring(reason));
        local response = st.error_reply(stanza, "cancel", "not-allowed", reason);
        if err then
            response:tag(err, { xmlns = "http://jitsi.org/jitmeet" });
        end
        session.send(response);
        return false;
    end
    session.jitsi_meet_verified_room = jid_bare(stanza.attr.to);
    return true;
end

module:hook("muc-room-pre-create", function(event)
    if not verify_user(event.origin, event.stanza) then
        return true;
    end
end, 99);

module:hook("muc-occupant-pre-join", function(event)
    if not verify_user(event.origin, event.stanza) then
        return true;
    end
end, 99);

module:hook_global("config-reloaded", load_config);
