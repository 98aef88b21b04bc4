; exit42.s -- main returns 42, prints nothing.
.func main 0
        LDI     r0, 42
        RET     r0
.end
