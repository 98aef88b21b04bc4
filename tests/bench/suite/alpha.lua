-- alpha: a short LCG loop, for the `cockpit bench` tests.
local x = 1
for _ = 1, 100000 do x = (x * 1103515245 + 12345) & 0xFFFFFFFF end
print(string.format("alpha %d", x))
