; errors.s -- three assembler errors.
.func main 0
        FROB    r0
        LDI     r0, 70000
        JMP     nowhere
.end
