-- Starts an RFC 8628 device authorization. ARGV: 2 device_code digest, 3 user_code digest, 4 id,
-- 5 account, 6 client_id, 7 scopes, 8 expires_ms, 9 keep_ms, 10 user_code ttl_ms, 11 interval_s,
-- 12 now_iso, 13 expires_iso, 14 event id, 15 source_ip, 16 user_agent
if not redis.call('SET', P .. 'duc:' .. ARGV[3], ARGV[2], 'NX', 'PX', tonumber(ARGV[10])) then
  return {'collision'}
end
local dkey = P .. 'dev:' .. ARGV[2]
redis.call('HSET', dkey, 'id', ARGV[4], 'acc', ARGV[5], 'client', ARGV[6], 'scopes', ARGV[7], 'status', 'pending',
  'interval', ARGV[11], 'last', 0, 'exp', ARGV[8], 'user', ARGV[3], 'polls', 0)
redis.call('PEXPIRE', dkey, tonumber(ARGV[9]))
outbox_event(ARGV[14], 'io.openclaw.pairing.device.authorization_requested', ARGV[12], ARGV[4], ARGV[5],
  'client:' .. ARGV[6], 'success',
  {scopes = split(ARGV[7]), expires_at = ARGV[13], client_id = ARGV[6], source_ip = blank(ARGV[15]),
   user_agent = blank(ARGV[16])})
return {'ok'}
