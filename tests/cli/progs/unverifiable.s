; unverifiable.s -- assembles, but reads r5 of a 2-slot frame.
.func main 0 2
        RET     r5
.end
