-- fletcher32: Fletcher-32 over 360 bytes, the Femto-Containers kernel
-- (bench/fletcher32.c in Lua 5.4). C's words[i] is words[i + 1]. With 180
-- words c1 stays below 2^32 before each reduction, as in C.
local data = {}

local function fletcher32(words, len)
  local c0, c1 = 0, 0
  local i = 1
  while len > 0 do
    local block = len < 359 and len or 359
    len = len - block
    for _ = 1, block do
      c0 = c0 + words[i]
      c1 = c1 + c0
      i = i + 1
    end
    c0 = c0 % 65535
    c1 = c1 % 65535
  end
  return (c1 << 16) | c0
end

for i = 0, 179 do data[i + 1] = (i * 7919 + 13) & 0xFFFF end
local acc = 0
for r = 0, 499999 do
  local k = r % 180 + 1
  data[k] = (data[k] + r) & 0xFFFF
  acc = acc ~ fletcher32(data, 180)
end
print(string.format("fletcher32 %08x", acc))
