# embed.cmake: -DIN=file -DOUT=file.c -DNAME=symbol. Writes a C file defining
# `const char NAME[]` with IN's bytes (NUL-terminated) and NAME_len.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n  " body "${body}")
file(WRITE ${OUT} "/* Generated from ${IN} by embed.cmake. */\n"
                  "const char ${NAME}[] = {\n  ${body}0x00\n};\n"
                  "const unsigned long ${NAME}_len = ${len};\n")
