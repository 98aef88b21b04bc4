-- strings: length, copy, reverse, compare, search and number formatting on
-- char arrays (bench/strings.c in Lua 5.4). Strings are NUL-terminated
-- tables of byte values indexed from 0, exactly like the C arrays, since
-- the algorithms are about indexes. check is unsigned 32-bit.
local M = 0xFFFFFFFF
local text, work, digits = {}, {}, {}
for i = 0, 255 do text[i], work[i] = 0, 0 end
for i = 0, 15 do digits[i] = 0 end

local function str_len(s)
  local n = 0
  while s[n] ~= 0 do n = n + 1 end
  return n
end

local function str_copy(dst, src)
  local i = 0
  while true do
    local ch = src[i]
    dst[i] = ch
    if ch == 0 then return end
    i = i + 1
  end
end

local function str_reverse(s)
  local i, j = 0, str_len(s) - 1
  while i < j do
    s[i], s[j] = s[j], s[i]
    i = i + 1
    j = j - 1
  end
end

local function str_cmp(a, b)
  local i = 0
  while a[i] ~= 0 and a[i] == b[i] do i = i + 1 end
  return a[i] - b[i]
end

local function str_find(hay, needle)
  local n, m = str_len(hay), str_len(needle)
  for i = 0, n - m do
    local k = 0
    while k < m and hay[i + k] == needle[k] do k = k + 1 end
    if k == m then return i end
  end
  return -1
end

local function utoa(v, out)
  local n = 0
  repeat
    out[n] = 48 + v % 10   -- '0'
    n = n + 1
    v = v // 10
  until v == 0
  out[n] = 0
  str_reverse(out)
  return n
end

local needle = {}
for k = 0, 5 do needle[k] = string.byte("needle", k + 1) end
needle[6] = 0

local check = 0
for r = 0, 39999 do
  local n = 0
  local x = (r * 2654435761) & M
  while n < 200 do
    x = (x * 1103515245 + 12345) & M
    text[n] = 97 + (x >> 16) % 26   -- 'a'
    n = n + 1
  end
  text[n] = 0
  if r % 3 == 0 then
    local at = r % 190
    for k = 0, 5 do text[at + k] = needle[k] end
  end
  str_copy(work, text)
  str_reverse(work)
  check = (check + str_cmp(text, work) + str_find(text, needle)) & M
  check = (check + utoa(x, digits) + digits[0]) & M
end
print(string.format("strings %d", check))
