#!/usr/bin/env python3
"""https_server.py - a small HTTPS file server for the copilot's tests.

Serves the files of --root over TLS (--cert, --key) on 127.0.0.1, on a free
port it writes to --port-file (bound to port 0; the file appears complete,
by rename). Honours "Range: bytes=A-" and "bytes=A-B" (206 with
Content-Range; 416 when A is past the end). Stop it by its pid (SIGTERM).

Faults, for the downloads' tests:
  --cut-after N      send the headers of the whole answer, then N bytes of
                     the body, then drop the connection; once (the first
                     request for a file), or on every request with
                     --cut-always
  --stall-after N    send N bytes, then go silent for --stall-secs (60)
  --status CODE      answer every request with CODE (e.g. 500, 404)
  --ignore-range     answer 200 with the whole file whatever the Range
  --token T          require "Authorization: Bearer T" (else 401)
  --log FILE         one line per request: METHOD PATH RANGE STATUS
"""
import argparse
import http.server
import os
import re
import socket
import ssl
import sys
import threading
import time

A = None
lock = threading.Lock()
cut_done = set()


def log_line(method, path, rng, status):
    if A.log:
        with lock, open(A.log, "a") as f:
            f.write("%s %s %s %d\n" % (method, path, rng or "-", status))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet on stderr
        pass

    def setup(self):
        # the TLS handshake in this request's thread, so that a client that
        # stalls or refuses our certificate holds up nobody else
        self.request.do_handshake()
        super().setup()

    def plain(self, code, text):
        body = (text + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        rng = self.headers.get("Range")
        path = self.path.split("?", 1)[0]
        if A.token is not None and self.headers.get("Authorization") != "Bearer " + A.token:
            log_line(self.command, path, rng, 401)
            return self.plain(401, "bearer token required")
        if A.status:
            log_line(self.command, path, rng, A.status)
            return self.plain(A.status, "injected status %d" % A.status)
        rel = os.path.normpath(path.lstrip("/"))
        full = os.path.join(A.root, rel)
        if rel.startswith("..") or not os.path.isfile(full):
            log_line(self.command, path, rng, 404)
            return self.plain(404, "not found")
        with open(full, "rb") as f:
            data = f.read()
        size = len(data)
        start, end, code = 0, size - 1, 200
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng or "")
        if m and not A.ignore_range:
            start = int(m.group(1))
            end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            if start >= size or start > end:
                log_line(self.command, path, rng, 416)
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % size)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            code = 206
        body = data[start:end + 1]
        log_line(self.command, path, rng, code)
        self.send_response(code)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        if code == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        if self.command == "HEAD":
            return
        cut = None
        if A.cut_after is not None:
            with lock:
                if A.cut_always or path not in cut_done:
                    cut_done.add(path)
                    cut = A.cut_after
        if cut is not None and cut < len(body):
            self.wfile.write(body[:cut])
            self.wfile.flush()
            # drop the connection without a TLS close_notify: a real cut
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if A.stall_after is not None and A.stall_after < len(body):
            self.wfile.write(body[:A.stall_after])
            self.wfile.flush()
            time.sleep(A.stall_secs)
            body = body[A.stall_after:]
        self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that hang up (cut tests, refused certificates) are normal


def main():
    global A
    p = argparse.ArgumentParser(description="HTTPS test file server")
    p.add_argument("--root", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cut-after", type=int)
    p.add_argument("--cut-always", action="store_true")
    p.add_argument("--stall-after", type=int)
    p.add_argument("--stall-secs", type=float, default=60.0)
    p.add_argument("--status", type=int)
    p.add_argument("--ignore-range", action="store_true")
    p.add_argument("--token")
    p.add_argument("--log")
    A = p.parse_args()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(A.cert, A.key)
    srv = Server(("127.0.0.1", A.port), Handler)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
    tmp = A.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, A.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
