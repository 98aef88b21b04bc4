-- bubble: bubble sort of pseudo-random integers (bench/bubble.c in Lua
-- 5.4). v is 1-based: C's v[i] is v[i + 1]. Unsigned values in 0..2^32-1.
local M = 0xFFFFFFFF
local N = 1000
local v = {}

local function fill(seed)
  for i = 1, N do
    seed = (seed * 1664525 + 1013904223) & M
    v[i] = (seed >> 8) % 100000
  end
end

local function sort(a, n)
  for i = 1, n - 1 do
    local swapped = false
    for j = 1, n - i do
      local x, y = a[j], a[j + 1]
      if x > y then
        a[j], a[j + 1] = y, x
        swapped = true
      end
    end
    if not swapped then break end
  end
end

local check = 0
for r = 0, 19 do
  fill(r + 1)
  sort(v, N)
  check = (check * 31 + v[r * 50 + 1] + v[N]) & M
end
print(string.format("bubble %d", check))
