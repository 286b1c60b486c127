-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_muc_meeting_id.lua
-- (sandbox test infrastructure). Gives each new room a meetingId (disco#info and
-- config form field muc#roominfo_meetingId) and holds participant joins until the
-- focus (an occupant whose nick ends with "/focus") is in the room.
local uuid_gen = require "util.uuid".generate;
local main_util = module:require "util";
local ends_with = main_util.ends_with;
local is_healthcheck_room = main_util.is_healthcheck_room;
local is_admin = main_util.is_admin;

-- Returns the meetingId form field of a room.
local function meeting_id_field(room)
    return {
        name = "muc#roominfo_meetingId";
        type = "text-single";
        label = "The meeting unique id.";
        value = room._data.meetingId or "";
    };
end

module:hook("muc-room-created", function(event)
    local room = event.room;
    if is_healthcheck_room(room.jid) then
        return;
    end
    room._data.meetingId = uuid_gen();
    module:log("debug", "Created meetingId:%s for %s", room._data.meetingId, room.jid);
end);

module:hook("muc-disco#info", function(event)
    table.insert(event.form, meeting_id_field(event.room));
end);

module:hook("muc-config-form", function(event)
    table.insert(event.form, meeting_id_field(event.room));
end, 90 - 3);

module:hook("muc-config-submitted/muc#roominfo_meetingId", function(event)
    if is_admin(event.actor) then
        event.room._data.meetingId = event.value;
        return;
    end
    return true;
end, 99);

-- Queue joins that arrive before jicofo; replay them once jicofo joined.
module:hook("muc-occupant-pre-join", function(event)
    local occupant, room = event.occupant, event.room;
    if room._data.jicofo_lock == false or is_healthcheck_room(room.jid) then
        return;
    end
    if ends_with(occupant.nick, "/focus") then
        module:fire_event("jicofo-unlock-room", { room = room; });
        return;
    end
    room._data.jicofo_lock = true;
    room.pre_join_queue = room.pre_join_queue or {};
    if #room.pre_join_queue >= 500 then
        module:log("error", "Error enqueuing occupant event for: %s", occupant.nick);
        return true;
    end
    table.insert(room.pre_join_queue, event);
    module:log("debug", "Occupant pushed to prejoin queue %s", occupant.nick);
    return true;
end, 8);

module:hook("jicofo-unlock-room", function(event)
    local room = event.room;
    room._data.jicofo_lock = false;
    local queue = room.pre_join_queue;
    room.pre_join_queue = nil;
    if queue == nil then
        return;
    end
    for _, ev in ipairs(queue) do
        if ev.origin.conn then
            room:handle_normal_presence(ev.origin, ev.stanza);
        end
    end
end);

module:hook("muc-occupant-groupchat", function(event)
    event.stanza:remove_children("nick", "http://jabber.org/protocol/nick");
end, 45);
