-- Shared by every script: ARGV[1] is the key prefix; the last ARGV is the W3C traceparent of the request
-- ('' outside a trace), taken off here so each script sees only its own arguments. Events go to the outbox
-- stream in the same script, one field per CloudEvent attribute and the data as JSON, so the relay hands
-- them to Kafka without parsing. Every value a caller controls (label, user agent, client id) was checked
-- in Java against the platform's secret guard before the script ran; field names here are fixed.
local P = ARGV[1]
local TP = table.remove(ARGV)

local function blank(s)
  if s == nil or s == '' then return nil end
  return s
end

local function split(s)
  local t = {}
  for w in string.gmatch(s or '', '%S+') do t[#t + 1] = w end
  return t
end

local function outbox_event(id, etype, time, subject, account, actor, outcome, fields)
  local data = {account_id = blank(account) or cjson.null, actor = actor, subject = subject, outcome = outcome}
  if fields then
    for k, v in pairs(fields) do data[k] = v end
  end
  redis.call('XADD', P .. 'outbox', '*', 'id', id, 'type', etype, 'time', time, 'subject', subject,
    'partitionkey', blank(account) or 'platform', 'traceparent', TP, 'data', cjson.encode(data))
end

local function label_key(account, label)
  return P .. 'label:' .. account .. ':' .. redis.sha1hex(label)
end
