#!/usr/bin/env python3
"""fake_broker.py - an MQTT 3.1.1-only "broker" over TLS, for the copilot's
fallback test: a CONNECT at protocol level 5 gets CONNACK 0x84 (unsupported
protocol version) and the connection is closed; level 4 is accepted, and
SUBSCRIBE, PUBLISH (QoS 0/1) and PINGREQ are answered (nothing is routed).
Writes its port to --port-file (bound to port 0 on 127.0.0.1) and one line
per packet to --log. Stop it by its pid.

--refuse-acl: a broker whose ACL allows nothing: MQTT 5 is accepted too,
and every SUBSCRIBE is answered SUBACK 0x87 "not authorized" (0x80 under
3.1.1), every QoS 1 PUBLISH PUBACK 0x87 (under 3.1.1, which has no reason
codes, a plain PUBACK).
"""
import argparse
import os
import socket
import ssl
import sys
import threading

A = None
lock = threading.Lock()


def log(line):
    with lock, open(A.log, "a") as f:
        f.write(line + "\n")


def read_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise EOFError
        b += c
    return b


def read_packet(s):
    h = read_exact(s, 1)[0]
    n, mul = 0, 1
    while True:
        d = read_exact(s, 1)[0]
        n += (d & 0x7F) * mul
        mul *= 128
        if not d & 0x80:
            break
    return h, read_exact(s, n)


def utf8(b, i):
    n = int.from_bytes(b[i:i + 2], "big")
    return b[i + 2:i + 2 + n].decode(), i + 2 + n


def varint(b, i):
    """An MQTT variable byte integer at b[i]: (value, index after it)."""
    n, mul = 0, 1
    while True:
        d = b[i]
        i += 1
        n += (d & 0x7F) * mul
        mul *= 128
        if not d & 0x80:
            return n, i


def serve(conn):
    try:
        conn.do_handshake()
        h, body = read_packet(conn)
        if h >> 4 != 1:
            return
        _, i = utf8(body, 0)
        level, flags = body[i], body[i + 1]
        log("CONNECT level=%d will=%d" % (level, (flags >> 2) & 1))
        v5 = level == 5
        if v5 and not A.refuse_acl:
            conn.sendall(bytes([0x20, 3, 0, 0x84, 0]))
            return
        conn.sendall(bytes([0x20, 3, 0, 0, 0]) if v5 else bytes([0x20, 2, 0, 0]))
        while True:
            h, body = read_packet(conn)
            t = h >> 4
            if t == 8:  # SUBSCRIBE
                i = 2
                if v5:
                    n, i = varint(body, i)
                    i += n
                topic, _ = utf8(body, i)
                log("SUBSCRIBE " + topic)
                rc = (0x87 if v5 else 0x80) if A.refuse_acl else 1
                props = bytes([0]) if v5 else b""
                conn.sendall(bytes([0x90, 3 + len(props)]) + body[0:2] + props + bytes([rc]))
            elif t == 3:  # PUBLISH
                topic, i = utf8(body, 0)
                qos = (h >> 1) & 3
                log("PUBLISH %s qos=%d" % (topic, qos))
                if qos == 1 and v5 and A.refuse_acl:
                    conn.sendall(bytes([0x40, 3]) + body[i:i + 2] + bytes([0x87]))
                elif qos == 1:
                    conn.sendall(bytes([0x40, 2]) + body[i:i + 2])
            elif t == 12:  # PINGREQ
                conn.sendall(bytes([0xD0, 0]))
            elif t == 14:  # DISCONNECT
                log("DISCONNECT")
                return
    except (EOFError, OSError, ssl.SSLError):
        pass
    finally:
        conn.close()


def main():
    global A
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--refuse-acl", action="store_true")
    A = p.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(A.cert, A.key)
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    with open(A.port_file + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(A.port_file + ".tmp", A.port_file)
    while True:
        c, _ = ls.accept()
        tc = ctx.wrap_socket(c, server_side=True, do_handshake_on_connect=False)
        threading.Thread(target=serve, args=(tc,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
