-- sieve: the classic byte-array sieve of Eratosthenes, repeated
-- (bench/sieve.c in Lua 5.4). flags[i] is C's flags[i].
local SIZE = 8190
local flags = {}

local function sieve()
  local count = 0
  for i = 0, SIZE do flags[i] = 1 end
  for i = 2, SIZE do
    if flags[i] ~= 0 then
      for k = i + i, SIZE, i do flags[k] = 0 end
      count = count + 1
    end
  end
  return count
end

local total = 0
for _ = 1, 2000 do total = total + sieve() end
print(string.format("sieve %d", total))
