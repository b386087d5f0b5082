-- Issues a pairing code; supersedes the account's live code with the same label.
-- ARGV: 2 hmac, 3 id, 4 account, 5 scopes, 6 label, 7 expires_ms, 8 ttl_ms, 9 tombstone_ms, 10 now_ms,
--       11 now_iso, 12 expires_iso, 13 actor, 14 issued event id, 15 revoked event id, 16 ttl_seconds,
--       17 source_ip, 18 user_agent
local hmac, id, acc, scopes, label = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local exp, ttl, tomb, now = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local ckey, tkey = P .. 'code:' .. hmac, P .. 'tomb:' .. hmac
if redis.call('EXISTS', ckey, tkey) > 0 then return {'collision'} end
local akey = P .. 'acct:' .. acc
local superseded = ''
if label ~= '' then
  local lkey = label_key(acc, label)
  local old = redis.call('GET', lkey)
  if old then
    local o = redis.call('HMGET', P .. 'id:' .. old, 'hmac', 'acc', 'exp')
    if o[1] and o[2] == acc then
      redis.call('DEL', P .. 'code:' .. o[1], P .. 'id:' .. old)
      redis.call('ZREM', akey, old)
      if tonumber(o[3]) > now then
        redis.call('SET', P .. 'tomb:' .. o[1], 'code_superseded|' .. old .. '|' .. acc, 'PX', tomb)
        outbox_event(ARGV[15], 'io.openclaw.pairing.code.revoked', ARGV[11], old, acc, ARGV[13], 'success',
          {reason = 'superseded', label = label, superseded_by = id, source_ip = blank(ARGV[17]),
           user_agent = blank(ARGV[18])})
        superseded = old
      end
    end
  end
  redis.call('SET', lkey, id, 'PX', ttl)
end
redis.call('HSET', ckey, 'id', id, 'acc', acc, 'scopes', scopes, 'label', label, 'exp', exp)
redis.call('PEXPIRE', ckey, ttl)
local ikey = P .. 'id:' .. id
redis.call('HSET', ikey, 'hmac', hmac, 'acc', acc, 'scopes', scopes, 'label', label, 'exp', exp, 'created', now)
redis.call('PEXPIRE', ikey, ttl)
redis.call('SET', tkey, 'code_expired|' .. id .. '|' .. acc, 'PX', ttl + tomb)
redis.call('ZREMRANGEBYSCORE', akey, '-inf', now)
redis.call('ZADD', akey, exp, id)
if redis.call('PTTL', akey) < ttl then redis.call('PEXPIRE', akey, ttl) end
outbox_event(ARGV[14], 'io.openclaw.pairing.code.issued', ARGV[11], id, acc, ARGV[13], 'success',
  {scopes = split(scopes), label = label, expires_at = ARGV[12], ttl_seconds = tonumber(ARGV[16]),
   source_ip = blank(ARGV[17]), user_agent = blank(ARGV[18])})
return {'ok', superseded}
