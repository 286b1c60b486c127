-- Managed by provision: this file is overwritten on every run; local edits will be lost.
-- Jitsi Meet where only JWT holders open rooms; guests (guest VirtualHost) join rooms that already exist.

component_admins_as_room_owners = true
plugin_paths = { "/usr/lib/jitsi-meet-prosody" }
muc_mapper_domain_base = "meet.example.com"
asap_accepted_issuers = { "example_app" }
asap_accepted_audiences = { "jitsi" }
consider_bosh_secure = true
consider_websocket_secure = true
unlimited_jids = { "focus@auth.meet.example.com"; "jvb@auth.meet.example.com" }

VirtualHost "meet.example.com"
    authentication = "token"
    app_id = "example_app"
    app_secret = "golden-FAKE-secret-not-real"
    allow_empty_token = false
    enable_domain_verification = false
    ssl = { key = "/etc/prosody/certs/meet.example.com.key"; certificate = "/etc/prosody/certs/meet.example.com.crt"; }
    modules_enabled = { "bosh"; "websocket"; "smacks"; "ping"; "presence_identity" }
    c2s_require_encryption = false
    main_muc = "conference.meet.example.com"

VirtualHost "guest.meet.example.com"
    authentication = "jitsi-anonymous"
    c2s_require_encryption = false
    main_muc = "conference.meet.example.com"
    modules_enabled = { "smacks" }

VirtualHost "auth.meet.example.com"
    ssl = { key = "/etc/prosody/certs/auth.meet.example.com.key"; certificate = "/etc/prosody/certs/auth.meet.example.com.crt"; }
    modules_enabled = { "limits_exception" }
    authentication = "internal_hashed"

Component "conference.meet.example.com" "muc"
    restrict_room_creation = true
    storage = "memory"
    modules_enabled = { "muc_meeting_id"; "muc_domain_mapper"; "token_verification" }
    admins = { "focus@auth.meet.example.com" }
    muc_room_locking = false
    muc_room_default_public_jids = true

Component "internal.auth.meet.example.com" "muc"
    storage = "memory"
    modules_enabled = { "ping" }
    admins = { "focus@auth.meet.example.com"; "jvb@auth.meet.example.com" }
    muc_room_locking = false
    muc_room_default_public_jids = true

Component "focus.meet.example.com" "client_proxy"
    target_address = "focus@auth.meet.example.com"
