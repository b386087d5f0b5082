-- Revokes a live code of the account. ARGV: 2 id, 3 account, 4 now_ms, 5 now_iso, 6 event id, 7 actor,
-- 8 tombstone_ms, 9 source_ip, 10 user_agent, 11 reason ('' for an owner's revocation)
local id, acc, now = ARGV[2], ARGV[3], tonumber(ARGV[4])
local h = redis.call('HMGET', P .. 'id:' .. id, 'hmac', 'acc', 'label', 'exp')
if not h[1] or h[2] ~= acc or tonumber(h[4]) <= now then return {'not_found'} end
redis.call('DEL', P .. 'code:' .. h[1], P .. 'id:' .. id)
redis.call('ZREM', P .. 'acct:' .. acc, id)
if h[3] ~= '' then
  local lkey = label_key(acc, h[3])
  if redis.call('GET', lkey) == id then redis.call('DEL', lkey) end
end
redis.call('SET', P .. 'tomb:' .. h[1], 'code_revoked|' .. id .. '|' .. acc, 'PX', tonumber(ARGV[8]))
outbox_event(ARGV[6], 'io.openclaw.pairing.code.revoked', ARGV[5], id, acc, ARGV[7], 'success',
  {reason = blank(ARGV[11]) or 'revoked', label = h[3], source_ip = blank(ARGV[9]), user_agent = blank(ARGV[10])})
return {'ok'}
