-- Compares platform-wide failures per minute with their baseline; far above it, tightens the per-network
-- limits for a while and publishes attack.suspected once per episode.
-- ARGV: 2 now_ms, 3 now_iso, 4 event id, 5 factor, 6 floor per minute, 7 baseline minutes, 8 hold_ms
local now = tonumber(ARGV[2])
local minute = math.floor(now / 60000)
local function at(m) return tonumber(redis.call('GET', P .. 'fail:all:' .. m) or '0') end
local rate = math.max(at(minute), at(minute - 1))
local n = tonumber(ARGV[7])
local sum = 0
for i = 2, n + 1 do sum = sum + at(minute - i) end
local baseline = sum / n
if rate < tonumber(ARGV[5]) * math.max(baseline, tonumber(ARGV[6])) then
  return {'normal', tostring(rate), tostring(baseline)}
end
local hold = tonumber(ARGV[8])
local was = tonumber(redis.call('GET', P .. 'attack') or '0')
redis.call('SET', P .. 'attack', now + hold, 'PX', hold)
if was > now then return {'ongoing', tostring(rate), tostring(baseline)} end
outbox_event(ARGV[4], 'io.openclaw.pairing.attack.suspected', ARGV[3], 'platform', nil, 'system', 'failure',
  {reason = 'distributed_guessing', rate_per_minute = rate, baseline_per_minute = baseline})
return {'started', tostring(rate), tostring(baseline)}
