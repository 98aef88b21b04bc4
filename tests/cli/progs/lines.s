; lines.s -- a line table naming lines.c.
.source "lines.c"
.func main 0
        .line 2
        LDI     r0, 3
        .line 3
        ADDI    r0, r0, 4
        RET     r0
.end
