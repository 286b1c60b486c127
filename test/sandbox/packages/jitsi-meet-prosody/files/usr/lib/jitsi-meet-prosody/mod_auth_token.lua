-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_auth_token.lua
-- (sandbox test infrastructure; behaviour per docs/jitsi.md §1.2).
--
-- authentication = "token": SASL ANONYMOUS whose success depends on the JWT that
-- mod_jitsi_session took from the HTTP request (Authorization: Bearer / ?token=).
-- A refused token fails the SASL exchange with <not-allowed/> (or <not-authorized/>)
-- and the upstream reason text.
local generate_uuid = require "util.uuid".generate;
local new_sasl = require "util.sasl".new;
local sasl = require "util.sasl";

module:depends("jitsi_session");

local token_util = module:require "token/util".new(module);

-- no token configuration: like upstream, the provider silently does not load
if token_util == nil then
    return;
end

local host = module.host;
local provider = {};

function provider.test_password(username, password) -- luacheck: ignore 212
    return nil, "Password based auth not supported";
end
function provider.get_password(username) return nil; end -- luacheck: ignore 212
function provider.set_password(username, password) -- luacheck: ignore 212
    return nil, "Set password not supported";
end
function provider.user_exists(username) return nil; end -- luacheck: ignore 212
function provider.create_user(username, password) return nil; end -- luacheck: ignore 212
function provider.delete_user(username) return nil; end -- luacheck: ignore 212

-- Fires a stage event; returns false, err, reason when a handler refused.
local function stage(name, session)
    local result = prosody.events.fire_event(name, session);
    if type(result) == "table" and result.res == false then
        module:log("warn", "Error verifying token on %s stage:%s, reason:%s", name,
            tostring(result.error), tostring(result.reason));
        session.auth_token = nil;
        return false, result.error or "not-allowed", result.reason;
    end
    return true, result;
end

function provider.get_sasl_handler(session)
    local function first_stage_auth(self, message)
        local ok, err, reason = stage("pre-jitsi-authentication-fetch-key", session);
        if not ok then return false, err, reason; end

        local res;
        res, err, reason = token_util:process_and_verify_token(session);
        if not res then
            module:log("warn", "Error verifying token err:%s, reason:%s tenant:%s room:%s user_agent:%s",
                tostring(err), tostring(reason), tostring(session.jitsi_web_query_prefix),
                tostring(session.jitsi_web_query_room), tostring(session.user_agent));
            session.auth_token = nil;
            return false, err, reason;
        end

        ok, err, reason = stage("jitsi-access-ban-check", session);
        if not ok then return false, err, reason; end

        local custom_username = prosody.events.fire_event("pre-jitsi-authentication", session);
        if type(custom_username) == "string" then
            self.username = custom_username;
        elseif session.previd ~= nil then
            for _, other in pairs(prosody.full_sessions) do
                if other.resumption_token == session.previd then
                    self.username = other.username;
                    break;
                end
            end
        end
        if self.username == nil then
            self.username = message;
        end

        ok, err, reason = stage("post-jitsi-authentication", session);
        if not ok then return false, err, reason; end
        return true;
    end

    return new_sasl(host, { anonymous = first_stage_auth });
end

module:provides("auth", provider);

-- ANONYMOUS that fails the exchange instead of retrying (Prosody's own profile
-- loops until the callback returns true).
local function anonymous(self, message) -- luacheck: ignore 212
    local username = generate_uuid();
    local result, err, msg = self.profile.anonymous(self, username, self.realm);
    if result == true then
        if self.username == nil then
            self.username = username;
        end
        return "success";
    end
    return "failure", err or "not-authorized", msg;
end

sasl.registerMechanism("ANONYMOUS", { "anonymous" }, anonymous);
