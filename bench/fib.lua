-- fib: recursive calls (bench/fib.c in Lua 5.4).
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

print(string.format("fib %d", fib(37)))
