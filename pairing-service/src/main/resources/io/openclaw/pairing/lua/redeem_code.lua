-- Redeems a pairing code: refuses locked-out and blocked sources before any lookup, then checks, deletes,
-- writes the tombstone and appends the event; a failure is counted per IP, per network and platform-wide.
-- ARGV: 2 hmac, 3 now_ms, 4 now_iso, 5 ip, 6 network, 7 actor, 8 user_agent, 9 event id, 10 ip lockout
--       event id, 11 network lockout event id, 12 window_ms, 13 ip limit, 14 network limit,
--       15 network limit under attack, 16 lockout_ms, 17 tombstone_ms, 18 lockout until (iso),
--       19.. block keys that cover the source (the IP and its networks)
local hmac, now, iso, ip, net = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local ua = blank(ARGV[8])

local function active_until(key)
  local v = redis.call('GET', key)
  local u = v and tonumber(v)
  if u and u > now then return u end
  return nil
end

local function reject(reason, subject, acc)
  outbox_event(ARGV[9], 'io.openclaw.pairing.code.rejected', iso, blank(subject) or 'redemption', acc,
    'ip:' .. ip, 'failure', {reason = reason, source_ip = ip, user_agent = ua, network = net})
end

-- 1. a locked-out or blocked source is refused before any code is looked up
local locked
local guards = {P .. 'lock:ip:' .. ip, P .. 'lock:net:' .. net}
for i = 19, #ARGV do guards[#guards + 1] = P .. 'block:' .. ARGV[i] end
for _, key in ipairs(guards) do
  local u = active_until(key)
  if u and (locked == nil or u > locked) then locked = u end
end
if locked then
  reject('too_many_attempts')
  return {'locked', tostring(locked - now)}
end

-- 2. the code: live, expired by the clock, or a tombstone saying why it is gone
local ckey = P .. 'code:' .. hmac
local c = redis.call('HMGET', ckey, 'id', 'acc', 'scopes', 'label', 'exp')
local reason, subject, acc
if c[1] then
  redis.call('DEL', ckey, P .. 'id:' .. c[1])
  redis.call('ZREM', P .. 'acct:' .. c[2], c[1])
  if c[4] ~= '' then
    local lkey = label_key(c[2], c[4])
    if redis.call('GET', lkey) == c[1] then redis.call('DEL', lkey) end
  end
  if tonumber(c[5]) > now then
    redis.call('SET', P .. 'tomb:' .. hmac, 'code_used|' .. c[1] .. '|' .. c[2], 'PX', tonumber(ARGV[17]))
    outbox_event(ARGV[9], 'io.openclaw.pairing.code.redeemed', iso, c[1], c[2], ARGV[7], 'success',
      {scopes = split(c[3]), label = c[4], source_ip = ip, user_agent = ua})
    return {'ok', c[1], c[2], c[3], c[4]}
  end
  reason, subject, acc = 'code_expired', c[1], c[2]
else
  local t = redis.call('GET', P .. 'tomb:' .. hmac)
  if t then
    reason, subject, acc = string.match(t, '^([^|]+)|([^|]*)|(.*)$')
  else
    reason = 'invalid_code'
  end
end

-- 3. count the failure in sliding windows (every key with a TTL) and lock out when over the limits
local window, lockout = tonumber(ARGV[12]), tonumber(ARGV[16])
local function count(key)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  redis.call('ZADD', key, now, ARGV[9])
  redis.call('PEXPIRE', key, window)
  return redis.call('ZCARD', key)
end
local function lock(scope, key, failkey, who, failures, event_id)
  redis.call('SET', key, now + lockout, 'PX', lockout)
  redis.call('DEL', failkey)
  outbox_event(event_id, 'io.openclaw.pairing.lockout.started', iso, who, nil, 'system', 'failure',
    {reason = 'too_many_attempts', scope = scope, ['until'] = ARGV[18], failures = failures, source_ip = ip})
end
local bucket = P .. 'fail:all:' .. math.floor(now / 60000)
redis.call('INCR', bucket)
redis.call('PEXPIRE', bucket, 7200000)
local ipkey, netkey = P .. 'fail:ip:' .. ip, P .. 'fail:net:' .. net
local ipf, netf = count(ipkey), count(netkey)
local netlimit = tonumber(ARGV[14])
if active_until(P .. 'attack') then netlimit = tonumber(ARGV[15]) end
if ipf >= tonumber(ARGV[13]) then lock('ip', P .. 'lock:ip:' .. ip, ipkey, ip, ipf, ARGV[10]) end
if netf >= netlimit then lock('network', P .. 'lock:net:' .. net, netkey, net, netf, ARGV[11]) end
reject(reason, subject, acc)
return {'fail', reason}
