-- coremark: a CoreMark-like mix -- list processing with index arrays,
-- matrix arithmetic, a state machine scanning text, and CRC-16
-- (bench/coremark.c in Lua 5.4). Arrays are indexed from 0 like the C
-- ones, since list links are indexes with -1 for none. Every int16 value
-- fits its type, so only the CRC and the unsigned conversions need masks.
local M = 0xFFFFFFFF
local LIST, MN = 64, 12
local list_val, list_next = {}, {}
local list_head = 0
local ma, mb, mc = {}, {}, {}
for i = 0, MN - 1 do ma[i], mb[i], mc[i] = {}, {}, {} end

local input = {}
do
  local s = "5012,1.23,-874,0x1F,17e3,abc,+42,-,3.5e-2,99,0,7.77,"
  for i = 1, #s do input[i - 1] = s:byte(i) end
  input[#s] = 0
end

local function crc16(crc, v)
  for i = 0, 31 do
    local bit = ((crc >> 15) ~ (v >> i)) & 1
    crc = (crc << 1) & 0xFFFF
    if bit ~= 0 then crc = crc ~ 0x1021 end
  end
  return crc
end

local function list_init(seed)
  for i = 0, LIST - 1 do
    list_val[i] = (i * 37 + seed) % 1000
    list_next[i] = i + 1 < LIST and i + 1 or -1
  end
  list_head = 0
end

-- reverse the list, then find values, then insertion-sort by value
local function list_work(key)
  local prev, cur = -1, list_head
  while cur >= 0 do
    local nx = list_next[cur]
    list_next[cur] = prev
    prev = cur
    cur = nx
  end
  list_head = prev
  local found = 0
  cur = list_head
  while cur >= 0 do
    if list_val[cur] % 16 == key % 16 then found = found + 1 end
    cur = list_next[cur]
  end
  local sorted = -1
  cur = list_head
  while cur >= 0 do
    local nx = list_next[cur]
    if sorted < 0 or list_val[cur] <= list_val[sorted] then
      list_next[cur] = sorted
      sorted = cur
    else
      local p = sorted
      while list_next[p] >= 0 and list_val[list_next[p]] < list_val[cur] do p = list_next[p] end
      list_next[cur] = list_next[p]
      list_next[p] = cur
    end
    cur = nx
  end
  list_head = sorted
  return found + list_val[list_head]
end

local function matrix_work(seed)
  for i = 0, MN - 1 do
    local ai, bi = ma[i], mb[i]
    for j = 0, MN - 1 do
      ai[j] = (i * j + seed) % 64 - 32
      bi[j] = (i + j * seed) % 32 - 16
    end
  end
  local sum = 0
  for i = 0, MN - 1 do
    local ai, ci = ma[i], mc[i]
    for j = 0, MN - 1 do
      local s = 0
      for k = 0, MN - 1 do s = s + ai[k] * mb[k][j] end
      ci[j] = s
      sum = sum + (s > 100 and s >> 2 or s)
    end
  end
  return sum
end

-- states: 0 start, 1 int, 2 frac, 3 exp, 4 hex, 5 invalid
local function scan_work()
  local counts = { [0] = 0, 0, 0, 0, 0, 0 }
  local state, i = 0, 0
  while input[i] ~= 0 do
    local ch = input[i]
    i = i + 1
    if ch == 44 then   -- ','
      counts[state] = counts[state] + 1
      state = 0
    elseif state == 0 then
      if ch >= 48 and ch <= 57 then state = 1
      elseif ch == 43 or ch == 45 then state = 1   -- '+' '-'
      else state = 5 end
    elseif state == 1 then
      if ch == 46 then state = 2                   -- '.'
      elseif ch == 101 or ch == 69 then state = 3  -- 'e' 'E'
      elseif ch == 120 then state = 4              -- 'x'
      elseif ch < 48 or ch > 57 then state = 5 end
    elseif state == 2 then
      if ch == 101 or ch == 69 then state = 3
      elseif ch < 48 or ch > 57 then state = 5 end
    elseif state == 3 then
      if (ch < 48 or ch > 57) and ch ~= 45 and ch ~= 43 then state = 5 end
    elseif state == 4 then
      if not ((ch >= 48 and ch <= 57) or (ch >= 65 and ch <= 70)) then state = 5 end
    end
  end
  return counts[1] + counts[2] * 3 + counts[3] * 5 + counts[4] * 7 + counts[5] * 11
end

local crc = 0
for it = 0, 9999 do
  list_init(it)
  crc = crc16(crc, list_work(it) & M)
  crc = crc16(crc, matrix_work(it) & M)
  crc = crc16(crc, scan_work() & M)
end
print(string.format("coremark %04x", crc))
