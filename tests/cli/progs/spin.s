; spin.s -- never ends.
.func main 0
top:    ADDI    r0, r0, 1
        JMP     top
.end
