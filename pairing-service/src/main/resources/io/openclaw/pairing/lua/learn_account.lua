-- Remembers an account's device-scope catalog and device client id (deduplicated on the event id).
-- ARGV: 2 event id, 3 account, 4 scopes, 5 client id, 6 dedupe_ms
if not redis.call('SET', P .. 'seen:' .. ARGV[2], '1', 'NX', 'PX', tonumber(ARGV[6])) then return {'duplicate'} end
redis.call('HSET', P .. 'account:' .. ARGV[3], 'scopes', ARGV[4], 'client', ARGV[5])
redis.call('SET', P .. 'client:' .. ARGV[5], ARGV[3])
return {'applied'}
