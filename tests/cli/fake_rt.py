#!/usr/bin/env python3
"""fake_rt.py PATH [SECONDS] -- a fake device that speaks the sideband
(docs/sideband.md) on a pty linked at PATH, for `cockpit monitor`,
`cockpit blackbox` and `cockpit flash --status` tests before the real
device side exists. It answers HELLO, STATUS, RT_STATUS, SET and BLACKBOX
(three raw 16-byte records, READ two per frame, CLEAR below `from`), NAKs
anything else UNKNOWN_CMD, and while subscribed (SET NOTIFY) sends every
200 ms a heartbeat, a log line (line 3 comes with 2 lost), a telemetry
sample and an event, plus one notification of an unknown kind. It logs the
requests it took to PATH.log."""
import os, pty, select, struct, sys, time, tty, zlib

path = sys.argv[1]
end = time.time() + (float(sys.argv[2]) if len(sys.argv) > 2 else 30)
log = open(path + ".log", "w", buffering=1)

def cobs(data):
    out, block = bytearray(), bytearray()
    for b in data:
        if b == 0:
            out += bytes([len(block) + 1]) + block; block = bytearray()
        else:
            block.append(b)
            if len(block) == 254:
                out += b"\xff" + block; block = bytearray()
    out += bytes([len(block) + 1]) + block
    return bytes(out) + b"\0"

def uncobs(w):
    out, i = bytearray(), 0
    while i < len(w):
        code = w[i]; i += 1
        if code == 0 or i + code - 1 > len(w): return None
        out += w[i:i + code - 1]; i += code - 1
        if code != 0xFF and i < len(w): out.append(0)
    return bytes(out)

def frame(msg): return cobs(msg + struct.pack("<I", zlib.crc32(msg)))

master, slave = pty.openpty()
tty.setraw(slave)
tmp = path + ".tmp"
if os.path.lexists(tmp): os.unlink(tmp)
os.symlink(os.ttyname(slave), tmp)
os.rename(tmp, path)

BOOT_ID, DEV = 0x1A2B3C4D, 0xC0C0C0C0
info = struct.pack("<HII3H3HHBBIB", 1, DEV, BOOT_ID, 1, 0, 0, 0, 2, 0, 1024, 2, 2, 32704, 1)
bank = lambda st, fl: struct.pack("<BBBBII3HI", st, 0, 0, fl, 1, 4096, 1, 2, 3, 3) + b"\0" * 8 + bytes(range(32))
status = struct.pack("<IIBBII", 3, BOOT_ID, 0, 0xFF, 0, 0) + bank(6, 1) + bank(0, 0)
name = b"blink.c"
rt = (struct.pack("<6B3HI", 1, 0, 2, 0, 0, 0x02, 1, 2, 3, 3) + bytes(range(32)) +
      struct.pack("<IIQQiIIIIIIIIIIIIIIIBB", BOOT_ID, 4, 12345, 987654, 0, 0, 0, 0, 10, 0, 0,
                  3, 0, 0, 0, 3, 3, 812, 900, 0, 0, len(name)) + name.ljust(32, b"\0"))
assert len(rt) == 170, len(rt)
records = [bytes([i]) * 16 for i in range(3)]     # numbered 0, 1, 2
first_rec = 0
mask, nseq, line, tick = 0, 0, 0, 0.0

def answer(cmd, seq, st, body=b""):
    os.write(master, frame(bytes([cmd | 0x80]) + struct.pack("<HB", seq, st) + body))

def note(kind, body):
    global nseq
    os.write(master, frame(bytes([0xC0 | kind]) + struct.pack("<HB", nseq & 0xFFFF, 0) + body))
    nseq += 1

def request(m):
    global mask, first_rec
    if len(m) < 3: return
    cmd, seq, body = m[0], struct.unpack("<H", m[1:3])[0], m[3:]
    log.write("%02x %s\n" % (cmd, body.hex()))
    if cmd == 0x01: answer(cmd, seq, 0, info)
    elif cmd == 0x02: answer(cmd, seq, 0, status)
    elif cmd == 0x10: answer(cmd, seq, 0, rt)
    elif cmd == 0x14:
        key, value = struct.unpack("<BI", body)
        if key == 3: mask = value
        answer(cmd, seq, 0, struct.pack("<I", value))
    elif cmd == 0x13:
        op, frm = struct.unpack("<BI", body)
        if op == 1:
            while records and first_rec < frm:
                records.pop(0); first_rec += 1
            answer(cmd, seq, 0, struct.pack("<I", 3))
        else:
            held = [(first_rec + i, r) for i, r in enumerate(records) if first_rec + i >= frm][:2]
            nxt = held[-1][0] + 1 if held else max(frm, 3)
            answer(cmd, seq, 0, struct.pack("<IIHB", nxt, len(records), 16, len(held)) + b"".join(r for _, r in held))
    else:
        answer(cmd, seq, 2, struct.pack("<I", cmd))

def notes():
    global line
    up = int((time.time() - start) * 1000) + 10000
    if mask & (1 << 1):
        note(1, struct.pack("<QIBBBBQIIII", up, BOOT_ID, 1, 0, 0, 1, 5000 + line, line, 2 if line > 3 else 0, 0, 3))
    if mask & (1 << 2):
        lost = 2 if line == 3 else 0
        note(2, struct.pack("<IIBQ", line, lost, 0, up) + b"hello %d" % line)
        line += 1 + lost
    if mask & (1 << 3):
        vals = [(0, up, b"uptime_ms"), (0, 5000, b"steps"), (1, 23, b"temp")]
        note(3, struct.pack("<QB", up, len(vals)) +
             b"".join(struct.pack("<BqB", f, v, len(n)) + n for f, v, n in vals))
    if mask & (1 << 4):
        note(4, struct.pack("<QBBiI3HB", up, 2, 0, 3, 40, 1, 2, 3, 0))
    if mask: note(0x3F, b"from the future")

start = time.time()
buf = bytearray()
try:
    while time.time() < end:
        r, _, _ = select.select([master], [], [], 0.05)
        if r:
            data = os.read(master, 4096)
            for b in data:
                if b == 0:
                    d = uncobs(bytes(buf)) if buf else None
                    buf = bytearray()
                    if d and len(d) >= 4 and zlib.crc32(d[:-4]) == struct.unpack("<I", d[-4:])[0]:
                        request(d[:-4])
                else:
                    buf.append(b)
        if mask and time.time() >= tick:
            tick = time.time() + 0.2
            notes()
finally:
    os.unlink(path)
