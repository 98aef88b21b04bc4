; loop.s -- known counts for the profile report: main runs 53 instructions
; (2 on line 1, 5 x 10 on line 2, 1 on line 3), twice 20 (line 5).
.source "loop.c"
.func main 0
        .line 1
        LDI     r0, 0
        LDI     r1, 10
        .line 2
top:    MOV     r2, r0
        CALL    r2, twice               ; r2 = twice(r0)
        ADDI    r0, r2, 1
        ADDI    r1, r1, -1
        JGTI    r1, 0, top
        .line 3
        RET0
.end

.func twice 1
        .line 5
        ADD     r0, r0, r0
        RET     r0
.end
