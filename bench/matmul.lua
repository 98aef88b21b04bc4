-- matmul: 2-D integer matrix multiply (bench/matmul.c in Lua 5.4).
-- Matrices are tables of rows, 1-based: C's a[i][j] is a[i + 1][j + 1].
-- Every sum stays far inside int32, so no wrapping is needed.
local N = 48
local a, b, c = {}, {}, {}

for i = 0, N - 1 do
  local ai, bi = {}, {}
  for j = 0, N - 1 do
    ai[j + 1] = (i * 3 + j) % 17 - 8
    bi[j + 1] = (i + j * 5) % 13 - 6
  end
  a[i + 1], b[i + 1], c[i + 1] = ai, bi, {}
end

local check = 0
for r = 0, 1199 do
  for i = 1, N do
    local ai, ci = a[i], c[i]
    for j = 1, N do
      local s = 0
      for k = 1, N do s = s + ai[k] * b[k][j] end
      ci[j] = s
    end
  end
  local row = a[r % N + 1]
  local col = (r * 7) % N + 1
  row[col] = row[col] + 1
  check = check + c[r % N + 1][(r * 3) % N + 1]
end
print(string.format("matmul %d", check))
