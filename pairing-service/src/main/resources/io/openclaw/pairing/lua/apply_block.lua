-- Applies a block_ip command once (deduplicated on the command's event id).
-- ARGV: 2 command id, 3 blocked ip or network, 4 until_ms, 5 ttl_ms, 6 now_iso, 7 event id, 8 until_iso,
--       9 command actor, 10 dedupe_ms, 11 alert id
if not redis.call('SET', P .. 'seen:' .. ARGV[2], '1', 'NX', 'PX', tonumber(ARGV[10])) then return {'duplicate'} end
local bkey = P .. 'block:' .. ARGV[3]
local current = tonumber(redis.call('GET', bkey) or '0')
if tonumber(ARGV[4]) > current then redis.call('SET', bkey, ARGV[4], 'PX', tonumber(ARGV[5])) end
outbox_event(ARGV[7], 'io.openclaw.pairing.ip.blocked', ARGV[6], ARGV[3], nil, ARGV[9], 'success',
  {['until'] = ARGV[8], command_id = ARGV[2], alert_id = blank(ARGV[11])})
return {'applied'}
