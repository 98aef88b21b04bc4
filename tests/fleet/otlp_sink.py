#!/usr/bin/env python3
"""otlp_sink.py PORTFILE OUTFILE: a minimal OTLP/HTTP collector for tests.
Listens on a free loopback port (written to PORTFILE), answers 200 to
POST /v1/logs and /v1/metrics, and appends "PATH BODY" lines to OUTFILE.
Stopped by its pid."""
import http.server
import sys


class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(sys.argv[2], "ab") as f:
            f.write(self.path.encode() + b" " + body.replace(b"\n", b" ") + b"\n")
        self.send_response(200 if self.path in ("/v1/logs", "/v1/metrics") else 404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


srv = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os  # noqa: E402
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
