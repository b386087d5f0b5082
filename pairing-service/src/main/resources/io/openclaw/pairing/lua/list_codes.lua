-- Active codes of an account, soonest expiry first: id, scopes, label, expires_ms, created_ms per code.
-- ARGV: 2 account, 3 now_ms, 4 only this id ('' for all)
local akey = P .. 'acct:' .. ARGV[2]
local now = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', akey, '-inf', now)
local ids
if ARGV[4] ~= '' then ids = {ARGV[4]} else ids = redis.call('ZRANGE', akey, 0, -1) end
local out = {}
for _, id in ipairs(ids) do
  local h = redis.call('HMGET', P .. 'id:' .. id, 'scopes', 'label', 'exp', 'created', 'acc')
  if h[1] and h[5] == ARGV[2] and tonumber(h[3]) > now then
    out[#out + 1] = id
    out[#out + 1] = h[1]
    out[#out + 1] = h[2]
    out[#out + 1] = h[3]
    out[#out + 1] = h[4]
  end
end
return out
