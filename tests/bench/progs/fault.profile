profile: 4 instructions executed
functions:
    instructions   share  function
               4  100.0%  main
lines:
    instructions   share  line
               2   50.0%  fault.c:2
               2   50.0%  fault.c:3
opcodes:
    instructions   share  opcode
               2   50.0%  LDI
               1   25.0%  DIV
               1   25.0%  ADDI
opcode pairs, superinstruction candidates:
           times   share  first -> next
               1   25.0%  LDI -> LDI
               1   25.0%  LDI -> ADDI
               1   25.0%  ADDI -> DIV
