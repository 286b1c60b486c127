-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/mod_muc_domain_mapper.lua
-- (sandbox test infrastructure). Upstream rewrites multi-domain room addresses
-- (room@conference.tenant.DOMAIN <-> [tenant]room@conference.DOMAIN). This stand-in
-- keeps its configuration check and logs; single-domain addresses pass unchanged,
-- which is all upstream does for them too.
local muc_domain_base = module:get_option_string("muc_mapper_domain_base");
if not muc_domain_base then
    module:log("warn", "No 'muc_mapper_domain_base' option set, disabling muc_mapper plugin inactive");
    return;
end

local muc_domain_prefix = module:get_option_string("muc_mapper_domain_prefix", "conference");
local muc_domain = module:get_option_string("muc_mapper_domain", muc_domain_prefix .. "." .. muc_domain_base);
module:log("info", "muc_mapper domain is %s", muc_domain);
