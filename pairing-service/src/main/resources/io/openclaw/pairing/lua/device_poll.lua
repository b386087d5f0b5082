-- A poll of a device_code, checks in RFC 8628 §3.5 order. Expired and denied codes are answered once and
-- forgotten; an approved one is consumed. The interval is measured from the last answered poll; a poll
-- inside it gets slow_down, and the interval grows by 5 s once per answered poll (not on every too-fast
-- poll, so a client that keeps polling a little too fast is slowed down, not locked out forever).
-- ARGV: 2 device_code digest, 3 client_id, 4 now_ms, 5 slow_down seconds, 6 max polls
local dkey = P .. 'dev:' .. ARGV[2]
local d = redis.call('HMGET', dkey, 'id', 'acc', 'client', 'scopes', 'status', 'interval', 'last', 'exp', 'user',
  'raised')
if not d[1] or d[3] ~= ARGV[3] then return {'invalid_grant'} end
local now = tonumber(ARGV[4])
local function forget() redis.call('DEL', dkey, P .. 'duc:' .. d[9]) end
if now >= tonumber(d[8]) then
  forget()
  return {'expired_token'}
end
if redis.call('HINCRBY', dkey, 'polls', 1) > tonumber(ARGV[6]) then
  forget()
  return {'expired_token'}
end
local interval, last = tonumber(d[6]), tonumber(d[7])
if last > 0 and now - last < interval * 1000 then
  if d[10] ~= '1' then
    interval = interval + tonumber(ARGV[5])
    redis.call('HSET', dkey, 'interval', interval, 'raised', '1')
  end
  return {'slow_down', tostring(interval)}
end
redis.call('HSET', dkey, 'last', now, 'raised', '0')
if d[5] == 'denied' then
  forget()
  return {'access_denied'}
end
if d[5] == 'pending' then return {'authorization_pending', tostring(interval)} end
forget()
return {'approved', d[1], d[2], d[4]}
