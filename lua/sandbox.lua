-- The sandbox that EVAL scripts, FUNCTION libraries and plugins run in.
--
-- Run once per Lua state by the kernel (kernel/script/state.cc), after the libraries and the
-- redis.* API are installed, with the full globals still in place. It removes what scripts must
-- not have, and returns the table that becomes the state's globals: an empty read-only view of
-- the real globals. LuaJIT has no read-only tables, so read-only is built from views: a view is
-- an empty table whose metatable reads through to the real table and refuses writes; the real
-- tables are reachable only through views (every metatable here is hidden by __metatable), and
-- the raw functions that would bypass a metatable (rawset, setmetatable) refuse views.
local G = _G
local type, error, tostring = type, error, tostring
local rawget, rawset, setmetatable, next = rawget, rawset, setmetatable, next
local loadstring, load = loadstring, load
local getinfo, getregistry, raw_getmetatable = debug.getinfo, debug.getregistry, debug.getmetatable

local READONLY = 'Attempt to modify a readonly table'
local real_of = setmetatable({}, {__mode = 'k'})  -- view -> the table it shows

local function refuse()
  error(READONLY, 2)
end

local function view(t)
  local v = {}
  real_of[v] = t
  return setmetatable(v, {__index = t, __newindex = refuse, __metatable = false})
end

-- What Redis 7.0 does not give scripts. string.dump goes too: LuaJIT bytecode is not verified.
for _, name in ipairs({'io', 'os', 'package', 'require', 'module', 'dofile', 'loadfile', 'print',
                       'debug', 'jit', 'newproxy', 'getfenv', 'setfenv'}) do
  G[name] = nil
end
string.dump = nil

-- LuaJIT extensions Redis's Lua 5.1 does not have.
table.move = nil
coroutine.isyieldable = nil

-- Lua 5.1 names that Redis's Lua has and LuaJIT leaves out.
if math.mod == nil then math.mod = math.fmod end
if string.gfind == nil then string.gfind = string.gmatch end
if table.setn == nil then table.setn = function() error("'setn' is obsolete", 2) end end

-- The raw functions, made to respect views. Their error has no position, as Redis's (raised by
-- C code); the handler below must not give it one.
local refused_raw = false
local function refuse_raw()
  refused_raw = true
  error(READONLY, 0)
end
G.rawset = function(t, k, v)
  if real_of[t] then refuse_raw() end
  return rawset(t, k, v)
end
G.setmetatable = function(t, mt)
  if real_of[t] then refuse_raw() end
  return setmetatable(t, mt)
end
G.rawget = function(t, k)
  return rawget(real_of[t] or t, k)
end
local function view_next(t, k)
  return next(real_of[t] or t, k)
end
G.next = view_next
G.pairs = function(t)
  if type(t) ~= 'table' then
    error("bad argument #1 to 'pairs' (table expected, got " .. type(t) .. ")", 2)
  end
  return view_next, t, nil
end
-- Redis's pcall: an error table with an `err` field comes back as that string, so scripts written
-- for Redis < 7 (which raised strings) keep working.
local pcall = pcall
local function pcall_result(ok, ...)
  if ok then return true, ... end
  local e = ...
  if type(e) == 'table' then
    local msg = e.err
    if type(msg) == 'string' then e = msg end
  end
  return false, e
end
G.pcall = function(...)
  return pcall_result(pcall(...))
end
-- Source text only: a binary chunk could break the VM.
G.loadstring = function(s, name)
  return load(s, name, 't')
end
G.load = function(f, name)  -- 5.1's load takes a reader function only
  if type(f) ~= 'function' then
    error("bad argument #1 to 'load' (function expected, got " .. type(f) .. ")", 2)
  end
  return load(f, name, 't')
end

-- The library functions by value, for naming a tail-called one (built when first needed).
local lib_names
local function library_name(f)
  if not lib_names then
    lib_names = {}
    for _, lib in ipairs({'string', 'math', 'table', 'bit', 'coroutine', 'cjson', 'cmsgpack',
                          'struct', 'redis'}) do
      local t = real_of[G[lib]] or G[lib]
      if type(t) == 'table' then
        for k, v in next, t do
          if type(v) == 'function' then lib_names[v] = k end
        end
      end
    end
    for k, v in next, G do
      if type(v) == 'function' and lib_names[v] == nil then lib_names[v] = k end
    end
  end
  return lib_names[f]
end

-- Redis's error handler: adds where the error happened to the error table the kernel reports.
-- The place is the innermost frame of user code; frames of this file and C functions are skipped.
-- A C function that the script tail-called has no caller left to name it ("bad argument #1 to
-- '?'"): Lua 5.1 would have named it from the call, so the library's name is put back.
function G.__redis__err__handler(err)
  if type(err) == 'string' then
    local c = getinfo(2, 'Sf')
    if c and c.what == 'C' and c.func ~= error and not getinfo(3, 'S') then
      local name = library_name(c.func)
      if name then err = err:gsub("to '%?'", "to '" .. name .. "'", 1) end
    end
  end
  local level, i = 2, nil
  repeat
    i = getinfo(level, 'nSl')
    level = level + 1
  until not i or (i.what ~= 'C' and i.source ~= '=sandbox')
  if type(err) ~= 'table' then
    local positioned = not (refused_raw and err == READONLY)
    err = {err = 'ERR ' .. tostring(err), raised_string = positioned}
  end
  refused_raw = false
  if i then
    err.source = i.source
    err.line = i.currentline
  end
  return err
end

-- LuaJIT replaces a frame on a tail call (`return redis.call(...)`), so an error raised by the
-- callee finds no frame of the script. The kernel then reports the line of the script's last
-- tail call, found here from the bytecode. The opcodes are taken from probes, not hard-coded.
do
  local jutil = getregistry()._PRELOAD['jit.util']('jit.util')
  local funcbc, funcinfo = jutil.funcbc, jutil.funcinfo
  local band = G.bit.band
  local function last_op(f)
    local pc, op = 0, nil
    while true do
      local ins = funcbc(f, pc)
      if not ins then return op end
      op = band(ins, 0xff)
      pc = pc + 1
    end
  end
  local callt = last_op(loadstring('return f()'))
  local callmt = last_op(loadstring('return f(...)'))
  getregistry()['lunar.tail_line'] = function(f)
    local pc, line = 0, 0
    while true do
      local ins = funcbc(f, pc)
      if not ins then return line end
      local op = band(ins, 0xff)
      if op == callt or op == callmt then line = funcinfo(f, pc).currentline or line end
      pc = pc + 1
    end
  end
end

-- Library tables become views; so does the strings' metatable (its __index is the string view).
for _, name in ipairs({'string', 'math', 'table', 'bit', 'coroutine', 'cjson', 'cmsgpack',
                       'struct', 'redis'}) do
  if type(G[name]) == 'table' then G[name] = view(G[name]) end
end
local string_mt = getmetatable('')
string_mt.__index = G.string
string_mt.__metatable = view(string_mt)

-- Reading a global that does not exist is an error.
local guard = {__index = function(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
end}
setmetatable(G, guard)

local globals = view(G)
-- getmetatable(_G) is a (read-only) table in Redis, not hidden.
raw_getmetatable(globals).__metatable = view(guard)
G._G = globals
return globals
