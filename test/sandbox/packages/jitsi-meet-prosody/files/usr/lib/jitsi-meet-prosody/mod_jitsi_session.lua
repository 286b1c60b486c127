-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_jitsi_session.lua
-- (sandbox test infrastructure; behaviour per docs/jitsi.md §2.1).
-- Global: copies the JWT and the web query (room, prefix, previd) into the session
-- when a BOSH or WebSocket session starts. Authorization: Bearer first, ?token= overrides.
module:set_global();

local formdecode = require "util.http".formdecode;

-- Fills session fields from the HTTP request that opened the session.
local function init_session(event)
    local session, request = event.session, event.request;
    local headers = request.headers or {};

    local authorization = headers.authorization;
    if type(authorization) == "string" then
        local bearer = authorization:match("^[Bb]earer%s+(%S+)");
        if bearer then
            session.auth_token = bearer;
        end
    end
    session.user_agent = headers.user_agent;

    local query = request.url and request.url.query;
    if query ~= nil then
        local params = formdecode(query) or {};
        if params.token ~= nil and params.token ~= "" then
            session.auth_token = params.token;
        end
        session.previd = params.previd;
        session.jitsi_web_query_room = params.room;
        session.jitsi_web_query_prefix = params.prefix or "";
        -- deprecated aliases kept by upstream
        session.jitsi_bosh_query_room = session.jitsi_web_query_room;
        session.jitsi_bosh_query_prefix = session.jitsi_web_query_prefix;
    end
end

module:hook_global("bosh-session", init_session);
module:hook_global("websocket-session", init_session);
