-- An account owner approves or denies a device authorization by its user_code. A wrong user_code counts
-- against the approver. ARGV: 2 user_code digest, 3 account, 4 action (approve|deny), 5 scopes asked
-- ('' = all requested that the approver holds), 6 approver's scopes, 7 approver, 8 now_ms, 9 now_iso,
-- 10 event id, 11 window_ms, 12 failure limit, 13 lockout_ms, 14 source_ip, 15 user_agent
local now, approver = tonumber(ARGV[8]), ARGV[7]
local lockkey = P .. 'lock:approver:' .. approver
local lv = tonumber(redis.call('GET', lockkey) or '0')
if lv > now then return {'locked', tostring(lv - now)} end

local function wrong()
  local window = tonumber(ARGV[11])
  local fkey = P .. 'fail:approver:' .. approver
  redis.call('ZREMRANGEBYSCORE', fkey, '-inf', now - window)
  redis.call('ZADD', fkey, now, ARGV[10])
  redis.call('PEXPIRE', fkey, window)
  local failures = redis.call('ZCARD', fkey)
  if failures >= tonumber(ARGV[12]) then
    redis.call('SET', lockkey, now + tonumber(ARGV[13]), 'PX', tonumber(ARGV[13]))
    redis.call('DEL', fkey)
  end
  outbox_event(ARGV[10], 'io.openclaw.pairing.code.rejected', ARGV[9], 'device_verification', ARGV[3], approver,
    'failure', {reason = 'invalid_user_code', failures = failures, source_ip = blank(ARGV[14]),
    user_agent = blank(ARGV[15])})
  return {'invalid_user_code'}
end

local devhash = redis.call('GET', P .. 'duc:' .. ARGV[2])
if not devhash then return wrong() end
local dkey = P .. 'dev:' .. devhash
local d = redis.call('HMGET', dkey, 'id', 'acc', 'scopes', 'status', 'exp')
if not d[1] or d[2] ~= ARGV[3] then return wrong() end
if tonumber(d[5]) <= now then return {'expired'} end
if d[4] ~= 'pending' then return {'already_decided'} end

if ARGV[4] == 'deny' then
  redis.call('HSET', dkey, 'status', 'denied')
  redis.call('DEL', P .. 'duc:' .. ARGV[2])
  outbox_event(ARGV[10], 'io.openclaw.pairing.device.authorization_denied', ARGV[9], d[1], d[2], approver, 'failure',
    {reason = 'denied', source_ip = blank(ARGV[14]), user_agent = blank(ARGV[15])})
  return {'denied', d[1], ''}
end

local requested, held = {}, {}
for _, s in ipairs(split(d[3])) do requested[s] = true end
for _, s in ipairs(split(ARGV[6])) do held[s] = true end
local approved = {}
if ARGV[5] ~= '' then
  for _, s in ipairs(split(ARGV[5])) do
    if not requested[s] then return {'scope_not_requested', s} end
    if not held[s] then return {'scope_not_grantable', s} end
    approved[#approved + 1] = s
  end
else
  for _, s in ipairs(split(d[3])) do
    if held[s] then approved[#approved + 1] = s end
  end
  if #approved == 0 then return {'scope_not_grantable', d[3]} end
end
local granted = table.concat(approved, ' ')
redis.call('HSET', dkey, 'status', 'approved', 'scopes', granted)
redis.call('DEL', P .. 'duc:' .. ARGV[2])
outbox_event(ARGV[10], 'io.openclaw.pairing.device.authorization_approved', ARGV[9], d[1], d[2], approver, 'success',
  {scopes = approved, source_ip = blank(ARGV[14]), user_agent = blank(ARGV[15])})
return {'approved', d[1], granted}
