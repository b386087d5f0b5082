-- Takes or renews the outbox relay lease. ARGV: 2 holder, 3 lease_ms
local key = P .. 'relay:lease'
local holder = redis.call('GET', key)
if not holder or holder == ARGV[2] then
  redis.call('SET', key, ARGV[2], 'PX', tonumber(ARGV[3]))
  return {'1'}
end
return {'0'}
