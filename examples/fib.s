; fib.s -- recursion: CALL passes arguments in the caller's registers
; r[A..], which become the callee's r0, r1, ...; the result comes back in r[A],
; and the callee's frame may overwrite every register above r[A].
;
;   cockpit run examples/fib.s          prints fib(20) = 6765

.string fmt "fib(%d) = %d\n"

.func main 0
        LDI     r0, 20
        MOV     r1, r0
        CALL    r1, fib                 ; r1 = fib(20)
        MKARR   r2, fmt                 ; printf(fmt, r0, r1)
        MOV     r4, r0
        MOV     r5, r1
        SYS     r2, printf, 4
        RET0
.end

.func fib 1                             ; fib(n), n in r0
        JLTI    r0, 2, base             ; if (n < 2) return n
        ADDI    r1, r0, -1
        CALL    r1, fib                 ; r1 = fib(n - 1)
        ADDI    r2, r0, -2
        CALL    r2, fib                 ; r2 = fib(n - 2)
        ADD     r0, r1, r2
base:   RET     r0
.end
