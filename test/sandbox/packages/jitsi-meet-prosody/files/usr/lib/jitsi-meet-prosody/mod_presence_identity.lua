-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_presence_identity.lua
-- (sandbox test infrastructure). Replaces any client <identity> in outgoing presence
-- with one built from the token context (context.user fields, context.group).
-- Like upstream, non-string user fields raise an error (util.stanza refuses them).

-- Rewrites the presence of a session that carries a token identity.
local function on_presence(event)
    local origin, stanza = event.origin, event.stanza;
    if not (origin and stanza and origin.jitsi_meet_context_user) then
        return;
    end
    stanza:maptags(function(tag)
        if tag.name == "identity" then
            return nil;
        end
        return tag;
    end);
    stanza:tag("identity"):tag("user");
    for key, value in pairs(origin.jitsi_meet_context_user) do
        stanza:tag(key):text(value):up();
    end
    stanza:up();
    if origin.jitsi_meet_context_group then
        stanza:tag("group"):text(origin.jitsi_meet_context_group):up();
    end
    stanza:up();
end

module:hook("pre-presence/bare", on_presence);
module:hook("pre-presence/full", on_presence);
