-- Shared by every script: ARGV[1] is the key prefix; events go to the outbox stream in the same script.
local P = ARGV[1]

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
  local event = {specversion = '1.0', id = id, source = '/pairing-service', type = etype, time = time,
    subject = subject, partitionkey = blank(account) or 'platform', datacontenttype = 'application/json', data = data}
  redis.call('XADD', P .. 'outbox', '*', 'event', cjson.encode(event))
end

local function label_key(account, label)
  return P .. 'label:' .. account .. ':' .. redis.sha1hex(label)
end
