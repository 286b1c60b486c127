-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_auth_jitsi-anonymous.lua
-- (sandbox test infrastructure). authentication = "jitsi-anonymous": SASL ANONYMOUS
-- with a random UUID username, reusing the username of a session resumed via ?previd=.
local generate_uuid = require "util.uuid".generate;
local new_sasl = require "util.sasl".new;
local sasl = require "util.sasl";

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

function provider.get_sasl_handler(session)
    local function get_username(self, message)
        if session.previd ~= nil then
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
        return true;
    end
    return new_sasl(module.host, { anonymous = get_username });
end

module:provides("auth", provider);

-- ANONYMOUS that fails instead of looping when the callback refuses.
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
