#!/usr/bin/env python3
"""same_program.py A.cvm1 B.cvm1: exit 0 when both artifacts hold the same
program: the header's program fields (ABI, ISA, caps, entries, sizes) and
every section, byte for byte. Provenance (digests, build id, time) may
differ. Layout: docs/cvm1-format.md."""
import struct, sys

def program(path):
    b = open(path, "rb").read()
    assert b[:4] == b"CVM1", path
    (count,) = struct.unpack_from("<H", b, 0x10)
    fields = b[0x12:0x34]
    secs = {}
    for i in range(count):
        t, fl, off, size = struct.unpack_from("<HHII", b, 152 + 12 * i)
        secs[t] = (fl, b[off:off + size])
    return fields, secs

a, b = program(sys.argv[1]), program(sys.argv[2])
if a[0] != b[0]:
    sys.exit("header program fields differ")
if a[1] != b[1]:
    sys.exit("sections differ: %s" % sorted(t for t in set(a[1]) | set(b[1]) if a[1].get(t) != b[1].get(t)))
