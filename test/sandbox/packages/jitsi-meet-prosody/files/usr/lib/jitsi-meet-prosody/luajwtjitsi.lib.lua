-- Stand-in for jitsi/jitsi-meet resources/prosody-plugins/luajwtjitsi.lib.lua
-- (sandbox test infrastructure, written for provision's tests; not upstream code).
--
-- Decodes and verifies a compact JWS the way the bundled upstream library does:
-- header typ must be "JWT", header alg must equal the expected algorithm, then the
-- signature, then exp / nbf, then iss / aud against the accepted lists.
-- The libraries are required at load time, as upstream does, so a missing one
-- makes the loading Prosody module fail with Lua's "module 'x' not found".
local cjson_safe = require 'cjson.safe';
local basexx = require 'basexx';
local digest = require 'openssl.digest';
local hmac = require 'openssl.hmac';
local pkey = require 'openssl.pkey';

local M = {};

-- HMAC of data with key, raw bytes.
local function hmac_sign(algo)
    return function(data, key)
        return hmac.new(key, algo):final(data);
    end
end

-- RSA signature check of data with a PEM public key.
local function rsa_verify(algo)
    return function(data, signature, key)
        local ok, pub = pcall(pkey.new, key);
        if not ok or pub == nil then
            return false;
        end
        local ok2, res = pcall(function()
            return pub:verify(signature, digest.new(algo):update(data));
        end);
        return ok2 and res == true;
    end
end

-- Constant-time-ish comparison of two byte strings.
local function equal_bytes(a, b)
    if type(a) ~= 'string' or type(b) ~= 'string' or #a ~= #b then
        return false;
    end
    local diff = 0;
    for i = 1, #a do
        diff = diff | (a:byte(i) ~ b:byte(i));
    end
    return diff == 0;
end

local signers = {
    HS256 = hmac_sign('sha256'),
    HS384 = hmac_sign('sha384'),
    HS512 = hmac_sign('sha512'),
};

local verifiers = {
    HS256 = function(d, s, k) return equal_bytes(s, signers.HS256(d, k)); end,
    HS384 = function(d, s, k) return equal_bytes(s, signers.HS384(d, k)); end,
    HS512 = function(d, s, k) return equal_bytes(s, signers.HS512(d, k)); end,
    RS256 = rsa_verify('sha256'),
    RS384 = rsa_verify('sha384'),
    RS512 = rsa_verify('sha512'),
};

-- Splits "a.b.c" into its three dot-separated parts, or nil.
local function split3(token)
    local a, b, c = token:match('^([^%.]+)%.([^%.]+)%.([^%.]+)$');
    return a, b, c;
end

-- Decodes one base64url JSON segment, or nil.
local function decode_json_segment(segment)
    local ok, raw = pcall(basexx.from_url64, segment);
    if not ok or raw == nil then
        return nil;
    end
    local value = cjson_safe.decode(raw);
    if type(value) ~= 'table' then
        return nil;
    end
    return value;
end

-- True when claim equals one of accepted, or accepted holds '*'.
local function claim_accepted(claim, accepted)
    for _, value in ipairs(accepted) do
        if value == '*' or claim == value then
            return true;
        end
    end
    return false;
end

--- Parses a token without checking it: returns header, body or nil, error.
function M.parse(token)
    if type(token) ~= 'string' then
        return nil, nil, 'Invalid token';
    end
    local h, b, s = split3(token);
    if h == nil then
        return nil, nil, 'Invalid token';
    end
    local header = decode_json_segment(h);
    if header == nil then
        return nil, nil, 'Invalid header';
    end
    local body = decode_json_segment(b);
    if body == nil then
        return nil, nil, 'Invalid body';
    end
    return header, body, nil, s;
end

--- Verifies token and returns its claims table, or nil and the upstream error text.
function M.verify(token, expected_alg, key, accepted_issuers, accepted_audiences)
    if type(token) ~= 'string' then return nil, 'token argument must be string'; end
    if type(expected_alg) ~= 'string' then return nil, 'algorithm argument must be string'; end
    if type(key) ~= 'string' then return nil, 'key argument must be string'; end
    if verifiers[expected_alg] == nil then
        return nil, 'Algorithm not supported';
    end

    local header, body, err, sig_segment = M.parse(token);
    if err then
        return nil, err;
    end

    if header.typ ~= 'JWT' then
        return nil, 'Invalid typ';
    end
    if header.alg ~= expected_alg then
        return nil, 'Invalid or incorrect alg';
    end

    local ok, sig = pcall(basexx.from_url64, sig_segment);
    if not ok or sig == nil then
        return nil, 'Invalid signature';
    end
    local signing_input = token:match('^(.*)%.[^%.]+$');
    if not verifiers[expected_alg](signing_input, sig, key) then
        return nil, 'Invalid signature';
    end

    if body.exp ~= nil and type(body.exp) ~= 'number' then
        return nil, 'exp must be number';
    end
    if body.nbf ~= nil and type(body.nbf) ~= 'number' then
        return nil, 'nbf must be number';
    end

    local now = os.time();
    if body.exp ~= nil and now >= body.exp then
        local extra = '';
        if type(body.iat) == 'number' then
            extra = ', valid for:' .. tostring(math.floor(body.exp - body.iat)) .. ' sec';
        end
        return nil, 'Not acceptable by exp (' .. tostring(math.floor(now - body.exp))
            .. ' sec since expired' .. extra .. ')';
    end
    if body.nbf ~= nil and now < body.nbf then
        return nil, 'Not acceptable by nbf';
    end

    if accepted_issuers ~= nil then
        if body.iss == nil then
            return nil, "'iss' claim is missing";
        end
        if not claim_accepted(body.iss, accepted_issuers) then
            return nil, "invalid 'iss' claim";
        end
    end

    if accepted_audiences ~= nil then
        if body.aud == nil then
            return nil, "'aud' claim is missing";
        end
        if not claim_accepted(body.aud, accepted_audiences) then
            return nil, "invalid 'aud' claim";
        end
    end

    return body;
end

--- Signs claims with an HMAC algorithm (used by tests of the stand-in only).
function M.encode(claims, key, alg, header)
    alg = alg or 'HS256';
    if signers[alg] == nil then
        return nil, 'Algorithm not supported';
    end
    header = header or {};
    header.typ = header.typ or 'JWT';
    header.alg = alg;
    local input = basexx.to_url64(cjson_safe.encode(header)) .. '.' .. basexx.to_url64(cjson_safe.encode(claims));
    return input .. '.' .. basexx.to_url64(signers[alg](input, key));
end

return M;
