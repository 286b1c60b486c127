-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_limits_exception.lua
-- (sandbox test infrastructure). Lifts rate and stanza-size limits for the JIDs in
-- the global unlimited_jids (jicofo, jvb) once they authenticate.
local unlimited_jids = module:get_option_inherited_set("unlimited_jids", {});
local unlimited_size = module:get_option_number("unlimited_size", 10 * 1024 * 1024);

if unlimited_jids:empty() then
    return;
end

module:hook("authentication-success", function(event)
    local session = event.session;
    local user_jid = session.username .. "@" .. session.host;
    if not unlimited_jids:contains(user_jid) then
        return;
    end
    if session.conn and session.conn.setlimit then
        session.conn:setlimit(0);
    elseif session.throttle then
        session.throttle = nil;
    end
    if unlimited_size and session.stream and session.stream.set_stanza_size_limit then
        module:log("info", "Setting stanza size limits for %s to %s", user_jid, unlimited_size);
        session.stream:set_stanza_size_limit(unlimited_size);
    end
end);
