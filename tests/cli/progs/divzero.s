; divzero.s -- faults with a division by zero on line 7 of divzero.c.
.source "divzero.c"
.func main 0
        .line 6
        LDI     r0, 10
        LDI     r1, 0
        .line 7
        DIV     r0, r0, r1
        RET     r0
.end
