-- crc32: table-driven CRC-32 (IEEE) over a 4 KB buffer, repeated
-- (bench/crc32.c in Lua 5.4). Values are kept in 0..2^32-1; tables are
-- 1-based, so C's table[n] is tab[n + 1].
local M = 0xFFFFFFFF
local tab = {}
local buf = {}

local function make_table()
  for n = 0, 255 do
    local c = n
    for _ = 1, 8 do
      if c & 1 ~= 0 then c = 0xEDB88320 ~ (c >> 1) else c = c >> 1 end
    end
    tab[n + 1] = c
  end
end

local function crc32(crc, data, len)
  crc = ~crc & M
  for i = 1, len do crc = tab[((crc ~ data[i]) & 0xFF) + 1] ~ (crc >> 8) end
  return ~crc & M
end

make_table()
local x = 12345
for i = 1, 4096 do
  x = (x * 1103515245 + 12345) & M
  buf[i] = (x >> 16) & 0xFF
end
local crc = 0
for _ = 1, 3000 do crc = crc32(crc, buf, 4096) end
print(string.format("crc32 %08x", crc))
