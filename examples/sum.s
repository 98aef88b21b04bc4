; sum.s -- arrays: a global array with initial values, a read-only array
; copied into a frame array (AINIT), and an array passed to a function as a
; descriptor (base, count) in two registers. main's return value becomes the
; exit status of `cockpit run`.
;
;   cockpit run examples/sum.s; echo $?          prints the sums, exits 7

.array G data s16 8 = 3, -1, 4, 1, -5, 9, 2, -6
.array R init u8 4 = 10, 20, 30, 40
.string fmt "sum(data) = %d, sum(copy) = %d\n"

.func main 0
        .local copy u8 4
        AINIT   copy, init              ; copy[] = init[]
        MKARR   r0, data                ; r0 = sum16(data)
        CALL    r0, sum16
        LDI     r1, 0                   ; r1 = copy[0] + ... + copy[3]
        LDI     r2, 0
next:   LDLU8   r3, r2, copy
        ADD     r1, r1, r3
        ADDI    r2, r2, 1
        JLTI    r2, 4, next
        MOV     r6, r0                  ; printf(fmt, r0, r1)
        MOV     r7, r1
        MKARR   r4, fmt
        SYS     r4, printf, 4
        RET     r0
.end

.func sum16 2                           ; sum16(const int16_t a[]): r0 base, r1 count
        LDI     r2, 0                   ; i
        LDI     r3, 0                   ; s
        JZ      r1, done
loop:   LDPS16  r4, r2, r0              ; s += a[i]
        ADD     r3, r3, r4
        ADDI    r2, r2, 1
        JLTU    r2, r1, loop
done:   RET     r3
.end
