-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/token/util.lib.lua
-- (sandbox test infrastructure; behaviour as documented in
-- docs/jitsi.md §1, not upstream code).
--
-- Libraries are required at load time like upstream, so a missing basexx,
-- cjson, luaossl or inspect makes the module that loads this file fail.
local basexx = require "basexx";
local json_safe = require "cjson.safe";
local inspect = require "inspect";
local jid = require "util.jid";
local jwt = module:require "luajwtjitsi";
local main_util = module:require "util";

local Util = {};
Util.__index = Util;

--- Builds the token verifier from a module's (or host context's) options; nil when unconfigured.
function Util.new(ctx)
    local self = setmetatable({}, Util);

    self.appId = ctx:get_option_string("app_id");
    self.appSecret = ctx:get_option_string("app_secret");
    self.asapKeyServer = ctx:get_option_string("asap_key_server");
    self.cacheKeysUrl = ctx:get_option_string("cache_keys_url");
    self.allowEmptyToken = ctx:get_option_boolean("allow_empty_token");

    self.muc_domain_prefix = ctx:get_option_string("muc_mapper_domain_prefix", "conference");
    self.muc_domain_base = ctx:get_option_string("muc_mapper_domain_base");
    if self.muc_domain_base then
        self.muc_domain = ctx:get_option_string("muc_mapper_domain",
            self.muc_domain_prefix .. "." .. self.muc_domain_base);
    end
    self.enableDomainVerification = ctx:get_option_boolean("enable_domain_verification", true);

    if self.allowEmptyToken == true then
        ctx:log("warn", "WARNING - empty tokens allowed");
    end

    if self.appId == nil or self.appId == "" then
        ctx:log("error", "'app_id' must not be empty");
        return nil;
    end

    if self.appSecret == nil and self.asapKeyServer == nil and self.cacheKeysUrl == nil then
        ctx:log("error", "'app_secret' or 'asap_key_server' or 'cache_keys_url' must be specified");
        return nil;
    end

    if self.appSecret ~= nil then
        self.signatureAlgorithm = ctx:get_option_string("signature_algorithm", "HS256");
    else
        self.signatureAlgorithm = ctx:get_option_string("signature_algorithm", "RS256");
    end

    self.acceptedIssuers = ctx:get_option_array("asap_accepted_issuers", { self.appId });
    self.acceptedAudiences = ctx:get_option_array("asap_accepted_audiences", { "*" });
    self.requireRoomClaim = ctx:get_option_boolean("asap_require_room_claim", true);

    ctx:log("debug", "token util: app_id=%s alg=%s issuers=%s audiences=%s",
        self.appId, self.signatureAlgorithm, inspect({ table.unpack(self.acceptedIssuers) }),
        inspect({ table.unpack(self.acceptedAudiences) }));
    return self;
end

-- Public key lookup for RS* tokens. The sandbox has no key server, so a
-- configured asap_key_server / cache_keys_url never yields a key, which is the
-- upstream answer when the fetch fails.
function Util:get_public_key(kid) -- luacheck: ignore 212
    return nil;
end

--- Verifies session.auth_token; returns true, or false, condition, reason (upstream texts).
function Util:process_and_verify_token(session)
    if session.auth_token == nil then
        if self.allowEmptyToken then
            return true;
        end
        return false, "not-allowed", "token required";
    end

    local key = self.appSecret;
    if self.appSecret == nil then
        local dot = session.auth_token:find(".", 1, true);
        local header = dot and json_safe.decode(basexx.from_url64(session.auth_token:sub(1, dot - 1)) or "");
        if type(header) ~= "table" then
            return false, "not-allowed", "bad token format";
        end
        if header.kid == nil then
            return false, "not-allowed", "'kid' claim is missing";
        end
        if not self.signatureAlgorithm:match("^RS") then
            return false, "not-allowed", "'kid' claim only support with RS family";
        end
        key = session.public_key or self:get_public_key(header.kid);
        if key == nil then
            return false, "not-allowed", "could not obtain public key";
        end
    end

    local claims, msg = jwt.verify(session.auth_token, self.signatureAlgorithm, key,
        self.acceptedIssuers, self.acceptedAudiences);
    if claims == nil then
        return false, "not-allowed", msg;
    end

    if claims.sub == nil then
        return false, "not-authorized", "sub claim is missing";
    end
    if self.requireRoomClaim and claims.room == nil then
        return false, "not-authorized", "room claim is missing";
    end

    session.jitsi_meet_room = claims.room;
    session.jitsi_meet_domain = claims.sub;
    session.jitsi_meet_auth_issuer = claims.iss;
    local context = type(claims.context) == "table" and claims.context or {};
    session.jitsi_meet_context_user = context.user;
    session.jitsi_meet_context_group = context.group;
    session.jitsi_meet_context_features = context.features;
    session.jitsi_meet_context_room = context.room;
    session.jitsi_meet_str_tenant = context.tenant;

    if prosody and prosody.events then
        prosody.events.fire_event("jitsi-authentication-token-verified", { session = session; claims = claims; });
    end
    return true;
end

-- Compares a room node with the token's room claim (lower-cased, '*' or regex).
local function room_matches(self, session, room, auth_room)
    if auth_room == "*" then
        return true;
    end
    local ctx_room = session.jitsi_meet_context_room;
    if type(ctx_room) == "table" and ctx_room.regex == true then
        local ok, found = pcall(string.find, room, auth_room);
        return ok and found ~= nil;
    end
    local lowered = string.lower(auth_room);
    return room == lowered or room:sub(-(#lowered + 1)) == "]" .. lowered;
end

--- Checks whether the session may join room_address; true, or false, error, reason.
function Util:verify_room(session, room_address)
    local room_node = jid.node(room_address);
    if room_node == nil then
        module:log("error", "Unable to get name of the MUC room ? to: %s", tostring(room_address));
        return true;
    end

    local room = main_util.get_room_from_jid(jid.join(room_node, self.muc_domain));
    if room == nil then
        return false, "room-does-not-exist", "Room does not exist";
    end

    if session.auth_token == nil and self.allowEmptyToken then
        if room._data.allowUnauthenticatedAccess == false then
            return false, "not-allowed", "Room does not allow unauthenticated access";
        end
        return true;
    end

    local auth_room = session.jitsi_meet_room;
    if type(auth_room) ~= "string" then
        auth_room = nil;
    end

    if not self.enableDomainVerification then
        -- no token room (a guest): let it through, jicofo decides who opens rooms
        if auth_room and not room_matches(self, session, room_node, auth_room) then
            return false, "room-mismatch", "Room and token mismatched";
        end
        return true;
    end

    local room_to_check = auth_room;
    if auth_room == "*" then
        local _, target_room = main_util.extract_subdomain(room_node);
        room_to_check = target_room or room_node;
    end
    if room_to_check == nil then
        return false, "room-name-does-not-match", "Room and token mismatched";
    end

    local auth_domain = session.jitsi_meet_domain;
    local domain_to_check;
    if auth_domain == "*" then
        domain_to_check = self.muc_domain;
    elseif type(auth_domain) == "string" then
        domain_to_check = self.muc_domain_prefix .. "." .. string.lower(auth_domain);
    end
    if domain_to_check == nil
        or jid.bare(room_address) ~= jid.join(string.lower(room_to_check), domain_to_check) then
        return false, "room-name-does-not-match", "Room and token mismatched";
    end
    return true;
end

return Util;
