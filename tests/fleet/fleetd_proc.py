"""fleetd_proc.py: a real `cockpit fleetd` for one test or benchmark.

    with Fleetd(cockpit, tmp, db=None, roles={"operator": "ops"}) as f:
        status, body = f.req("GET", "/api/v1/artifacts")

Makes a self-signed loopback certificate (openssl), one token per role,
starts fleetd with --listen 127.0.0.1:0 over HTTPS (the port read from its
first line), and stops it by its pid (SIGTERM, then SIGKILL) on exit, pass
or fail. Shared by tests/fleet/*.py and bench/fleet/bench_fleet.py."""
import http.client
import json
import os
import re
import signal
import ssl
import subprocess


def self_signed(tmp):
    cert, key = os.path.join(tmp, "c.pem"), os.path.join(tmp, "k.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def stop_pid(proc, wait_s=10):
    """SIGTERM the process, then SIGKILL after wait_s; returns its exit status."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(wait_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


class Fleetd:
    def __init__(self, cockpit, tmp, db=None, roles=None, args=()):
        self.ck, self.tmp, self.db = cockpit, tmp, db
        self.data = os.path.join(tmp, "data")
        self.dbargs = ["--db", db] if db else []
        self.cert, self.key = self_signed(tmp)
        self.tokens = {}
        for role, name in (roles or {"operator": "operator"}).items():
            self.tokens[role] = self.cockpit("fleetd", "token", "--data", self.data, "--role", role, "--name", name,
                                             *self.dbargs).stdout.strip()
        self.errf = os.path.join(tmp, "fleetd.err")
        self.proc = subprocess.Popen([cockpit, "fleetd", "--data", self.data, "--listen", "127.0.0.1:0",
                                      "--tls-cert", self.cert, "--tls-key", self.key, *self.dbargs, *args],
                                     stdout=subprocess.PIPE, stderr=open(self.errf, "w"), text=True)
        m = re.match(r"listening on (https://127\.0\.0\.1:(\d+))", self.proc.stdout.readline())
        if not m:
            stop_pid(self.proc)
            raise RuntimeError("fleetd did not start: " + open(self.errf).read())
        self.url, self.port = m.group(1), int(m.group(2))
        self.ctx = ssl.create_default_context(cafile=self.cert)

    def cockpit(self, *argv):
        return subprocess.run([self.ck, *argv], check=True, capture_output=True, text=True)

    def req(self, method, path, body=None, token="operator", headers=None, raw=False):
        """(status, JSON or bytes); raw: (status, headers, bytes). token: a role, a literal token, or None."""
        c = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=60)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + self.tokens.get(token, token)
        if body is not None and not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        if body is not None:
            h.setdefault("Content-Type", "application/json")
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        if raw:
            return r.status, dict(r.getheaders()), data
        try:
            return r.status, json.loads(data)
        except ValueError:
            return r.status, data

    def stop(self):
        return stop_pid(self.proc)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
