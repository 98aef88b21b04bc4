; nolines.s -- an out-of-bounds store, no line table.
.array G buf u8 4
.func main 0
        LDI     r0, 7
        LDI     r1, 4
        STG8    r0, r1, buf             ; buf[4] = 7
        RET0
.end
