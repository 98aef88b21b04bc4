#!/usr/bin/env python3
"""oled-read.py PICTURE.png [--root DIR]: the status display's text.

Reads the picture `cockpit device --oled` writes (the SSD1306 panel, 128x32
pixels, each drawn N x N; 8-bit grey, lit 0xFF) and prints its four text
lines, the way src/oled lays them out: 21 cells of 6x8 pixels from x = 1,
one line per 8-pixel page, glyphs from src/oled/oled_font.c. A cell that
matches no glyph is printed as '\\x7f'; a lit pixel outside the glyphs'
columns is an error (exit 1), as is a picture that is not such a panel.

Only the standard library: PNG (RFC 2083 / ISO 15948) is zlib-compressed
scanlines with a filter byte each; this decodes 8-bit greyscale, the one
format the simulator writes.
"""
import os
import re
import struct
import sys
import zlib

W, H, PAGES, COLS, X0 = 128, 32, 4, 21, 1


def die(msg):
    sys.stderr.write("oled-read: %s\n" % msg)
    sys.exit(1)


def png_gray(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        die("%s: not a PNG file" % path)
    pos, idat, hdr = 8, [], None
    while pos + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if len(body) != n:
            die("%s: truncated chunk %r" % (path, kind))
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    if not hdr:
        die("%s: no IHDR" % path)
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype != 0 or interlace != 0:
        die("%s: not 8-bit greyscale without interlace (depth %d, colour type %d)" % (path, depth, ctype))
    raw = zlib.decompress(b"".join(idat))
    if len(raw) != h * (w + 1):
        die("%s: %d bytes of scanlines, wanted %d" % (path, len(raw), h * (w + 1)))
    rows, prev = [], bytearray(w)
    for y in range(h):
        f, line = raw[y * (w + 1)], bytearray(raw[y * (w + 1) + 1:(y + 1) * (w + 1)])
        for x in range(w):
            a = line[x - 1] if x else 0
            b, c = prev[x], prev[x - 1] if x else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pr) & 255
            elif f != 0:
                die("%s: bad filter %d in row %d" % (path, f, y))
        rows.append(line)
        prev = line
    return w, h, rows


def font(root):
    src = open(os.path.join(root, "src/oled/oled_font.c")).read()
    glyphs = re.findall(r"\{(0x[0-9A-Fa-f]{2}(?:,\s*0x[0-9A-Fa-f]{2}){4})\}", src)
    if len(glyphs) != 95:
        die("oled_font.c: %d glyphs, wanted 95" % len(glyphs))
    table = {}
    for i, g in enumerate(glyphs):
        cols = tuple(int(v, 16) for v in g.split(","))
        table.setdefault(cols, chr(0x20 + i))
    return table


def read(path, root):
    w, h, rows = png_gray(path)
    if w % W or h % H or w // W != h // H or w == 0:
        die("%s: %dx%d is not the 128x32 panel scaled" % (path, w, h))
    s = w // W
    lit = [[rows[y * s + s // 2][x * s + s // 2] >= 128 for x in range(W)] for y in range(H)]
    table = font(root)
    lines = []
    for page in range(PAGES):
        col = [sum(1 << k for k in range(8) if lit[page * 8 + k][x]) for x in range(W)]
        text = ""
        for i in range(COLS):
            x = X0 + 6 * i
            text += table.get(tuple(col[x:x + 5]), "\x7f")
            if col[x + 5]:
                die("page %d: a lit pixel between cells at x=%d" % (page, x + 5))
        if col[0] or col[W - 1]:
            die("page %d: a lit pixel in the margin" % page)
        lines.append(text.rstrip())
    return lines


def main():
    args = sys.argv[1:]
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    if "--root" in args:
        i = args.index("--root")
        root = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        die("usage: oled-read.py PICTURE.png [--root DIR]")
    for line in read(args[0], root):
        print(line)


if __name__ == "__main__":
    main()
