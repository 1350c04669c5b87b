-- A lock with fencing tokens.
--
--   LOCK.ACQUIRE key ttl_ms        -> a fencing token (integer), or nil when the lock is held
--   LOCK.RELEASE key token         -> 1 when `token` held the lock (now free), else 0
--   LOCK.EXTEND key token ttl_ms   -> 1 when `token` holds the lock (its lease now ends ttl_ms
--                                     from now), else 0
--   LOCK.OWNER key                 -> the holder's token, or nil when the lock is free
--
-- What the token guarantees. Every successful LOCK.ACQUIRE of a key returns a token greater than
-- every token issued for that key before, whether the earlier holders released, expired or were
-- never heard of again. A holder can lose the lock without knowing it (a GC pause or a network
-- delay longer than its ttl) and go on writing; so the protected resource should remember the
-- highest token it has accepted and refuse requests carrying a smaller one. The lock alone only
-- gives mutual exclusion while leases are honoured; the token makes a late holder harmless.
-- Tokens are per key and start at 1.
--
-- Limits. The guarantee holds on this server's dataset: deleting the key (DEL, FLUSHALL) or
-- losing it (a failover to a replica that had not received the last acquire, a restart without
-- persistence) restarts its tokens at 1. There is no consensus across servers (no Redlock).
--
-- State: the key is a hash that is never deleted by these commands (the fence must outlive every
-- holder): `fence` is the last token issued, `holder` the current holder's token and `expires`
-- the end of its lease (milliseconds since the epoch, the server's TIME). A lease ends by time,
-- checked on each call, not by key expiry, so the fence survives. One key per lock keeps every
-- operation on a single key (cluster friendly) with no companion key to collide with.

local function int_arg(s, min)
  if #s > 15 or not s:match('^%-?%d+$') then return nil end
  local n = tonumber(s)
  if n < min then return nil end
  return n
end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- The lock's state: fence (0 when new), and the holder's token when a lease is running.
-- Returns nil, err for a key of another type.
local function state(key, now)
  local v = redis.pcall('HMGET', key, 'fence', 'holder', 'expires')
  if v.err then return nil, v end
  local fence = tonumber(v[1]) or 0
  local holder = tonumber(v[2])
  local expires = tonumber(v[3])
  if holder and not (expires and expires > now) then holder = nil end
  return {fence = fence, holder = holder}
end

local BAD_TTL = 'ERR ttl_ms must be a positive integer (milliseconds)'
local BAD_TOKEN = 'ERR token must be a positive integer'

local function acquire(keys, args)
  local ttl = int_arg(args[2], 1)
  if not ttl then return redis.error_reply(BAD_TTL) end
  local now = now_ms()
  local s, err = state(keys[1], now)
  if not s then return err end
  if s.holder then return nil end
  local token = s.fence + 1
  redis.call('HSET', keys[1], 'fence', token, 'holder', token, 'expires', now + ttl)
  return token
end

local function release(keys, args)
  local token = int_arg(args[2], 1)
  if not token then return redis.error_reply(BAD_TOKEN) end
  local s, err = state(keys[1], now_ms())
  if not s then return err end
  if s.holder ~= token then return 0 end
  redis.call('HDEL', keys[1], 'holder', 'expires')
  return 1
end

local function extend(keys, args)
  local token = int_arg(args[2], 1)
  if not token then return redis.error_reply(BAD_TOKEN) end
  local ttl = int_arg(args[3], 1)
  if not ttl then return redis.error_reply(BAD_TTL) end
  local now = now_ms()
  local s, err = state(keys[1], now)
  if not s then return err end
  if s.holder ~= token then return 0 end
  redis.call('HSET', keys[1], 'expires', now + ttl)
  return 1
end

local function owner(keys)
  local s, err = state(keys[1], now_ms())
  if not s then return err end
  return s.holder
end

local COMMON = {since = '0.1.0', complexity = 'O(1)', first_key = 1}

local function register(def)
  for k, v in pairs(COMMON) do
    if def[k] == nil then def[k] = v end
  end
  lunar.register_command(def)
end

register{
  name = 'lock.acquire', handler = acquire, arity = 3, flags = {'write', 'denyoom'},
  summary = 'Takes the lock for ttl_ms milliseconds and returns a new fencing token',
}
register{
  name = 'lock.release', handler = release, arity = 3, flags = {'write', 'fast'},
  summary = "Frees the lock if the token is its holder's",
}
register{
  name = 'lock.extend', handler = extend, arity = 4, flags = {'write', 'fast'},
  summary = "Extends the holder's lease to ttl_ms milliseconds from now",
}
register{
  name = 'lock.owner', handler = owner, arity = 2, flags = {'readonly', 'fast'},
  summary = "Returns the holder's fencing token, or nil when the lock is free",
}
