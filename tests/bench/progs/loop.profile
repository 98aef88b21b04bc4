profile: 73 instructions executed
functions:
    instructions   share  function
              53   72.6%  main
              20   27.4%  twice
lines:
    instructions   share  line
              50   68.5%  loop.c:2
              20   27.4%  loop.c:5
               2    2.7%  loop.c:1
               1    1.4%  loop.c:3
opcodes:
    instructions   share  opcode
              20   27.4%  ADDI
              10   13.7%  MOV
              10   13.7%  ADD
              10   13.7%  JGTI
              10   13.7%  CALL
              10   13.7%  RET
               2    2.7%  LDI
               1    1.4%  RET0
opcode pairs, superinstruction candidates:
           times   share  first -> next
              10   13.7%  MOV -> CALL
              10   13.7%  ADD -> RET
              10   13.7%  ADDI -> ADDI
              10   13.7%  ADDI -> JGTI
              10   13.7%  CALL -> ADD
              10   13.7%  RET -> ADDI
               9   12.3%  JGTI -> MOV
               1    1.4%  LDI -> MOV
               1    1.4%  LDI -> LDI
               1    1.4%  JGTI -> RET0
