; countdown.s -- count down from 5, printing each number, then return 0.
; Shows labels, a fused compare-and-branch, a string and a Host ABI call.
;
;   cockpit run examples/countdown.s

.string fmt "%d...\n"
.string done "liftoff!\n"

.func main 0
        LDI     r0, 5                   ; n = 5
loop:   MKARR   r2, fmt                 ; printf("%d...\n", n)
        MOV     r4, r0
        SYS     r2, printf, 3           ;   descriptor (2 slots) + one int
        ADDI    r0, r0, -1
        JGTI    r0, 0, loop             ; while (n > 0)
        MKARR   r2, done
        SYS     r2, printf, 2
        RET0
.end
