-- RATELIMIT key max_burst count_per_period period [quantity]
--
-- A rate limiter with the Generic Cell Rate Algorithm (GCRA), answering like redis-cell's
-- CL.THROTTLE. The key allows `count_per_period` actions every `period` seconds, at a steady
-- rate, plus bursts of up to `max_burst` actions beyond that rate; each call asks for
-- `quantity` actions (default 1; 0 only looks).
--
-- Reply: an array of five integers
--   1. limited: 0 when the actions are allowed (and counted), 1 when refused (nothing counted)
--   2. limit: max_burst + 1, the most actions allowed at once
--   3. remaining: how many more actions would be allowed right now
--   4. retry_after: seconds until the refused request would be allowed, -1 when allowed
--      (also -1 when refused because quantity exceeds the limit: it never will be)
--   5. reset_after: seconds until the limit is back to full
-- Seconds are rounded up, so a limited caller that waits retry_after seconds is allowed.
--
-- State: the key holds the theoretical arrival time (TAT, microseconds since the epoch) of the
-- next action as a string, and expires when the limit is full again. The algorithm: each action
-- costs one emission interval T = period / count_per_period; the TAT advances by
-- T * quantity per allowed request; a request is allowed when the new TAT lies at most
-- T * (max_burst + 1) after now. The clock is the server's TIME, which is frozen during a call.

local function int_arg(s, min)
  if #s > 15 or not s:match('^%-?%d+$') then return nil end
  local n = tonumber(s)
  if n < min then return nil end
  return n
end

local function ceil_seconds(us)
  return math.ceil(us / 1000000)
end

local function ratelimit(keys, args)
  if #args > 5 then
    return redis.error_reply("ERR wrong number of arguments for 'ratelimit' command")
  end
  local key = keys[1]
  local max_burst = int_arg(args[2], 0)
  if not max_burst then
    return redis.error_reply('ERR max_burst must be an integer >= 0')
  end
  local count = int_arg(args[3], 1)
  if not count then
    return redis.error_reply('ERR count_per_period must be an integer >= 1')
  end
  local period = int_arg(args[4], 1)
  if not period then
    return redis.error_reply('ERR period must be an integer >= 1 (seconds)')
  end
  local quantity = 1
  if args[5] then
    quantity = int_arg(args[5], 0)
    if not quantity then
      return redis.error_reply('ERR quantity must be an integer >= 0')
    end
  end

  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local interval = period * 1000000 / count         -- T, in microseconds
  local tolerance = interval * (max_burst + 1)      -- how far the TAT may run ahead of now
  local increment = interval * quantity

  local stored = redis.pcall('GET', key)
  if type(stored) == 'table' and stored.err then return stored end
  local tat = tonumber(stored) or now
  if tat < now then tat = now end
  local new_tat = tat + increment
  local allow_at = new_tat - tolerance

  local limited, retry_after, ttl
  if now < allow_at then
    limited = 1
    retry_after = increment <= tolerance and ceil_seconds(allow_at - now) or -1
    ttl = tat - now
  else
    limited = 0
    retry_after = -1
    ttl = new_tat - now
    if increment > 0 then
      redis.call('SET', key, string.format('%.0f', new_tat), 'PX', math.ceil(ttl / 1000))
    end
  end
  local remaining = 0
  local next_room = tolerance - ttl
  if next_room > -interval then remaining = math.floor(next_room / interval) end
  if remaining < 0 then remaining = 0 end
  return {limited, max_burst + 1, remaining, retry_after, ceil_seconds(ttl)}
end

lunar.register_command{
  name = 'ratelimit',
  handler = ratelimit,
  arity = -5,
  flags = {'write', 'denyoom'},
  first_key = 1,
  last_key = 1,
  key_step = 1,
  summary = 'Counts an action against a GCRA rate limit and tells whether it is allowed',
  since = '0.1.0',
  complexity = 'O(1)',
}
