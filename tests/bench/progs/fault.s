; fault.s -- runs 4 instructions, the last one faulting (division by zero).
.source "fault.c"
.func main 0
        .line 2
        LDI     r0, 10
        LDI     r1, 0
        .line 3
        ADDI    r0, r0, 1
        DIV     r0, r0, r1
        RET     r0
.end
