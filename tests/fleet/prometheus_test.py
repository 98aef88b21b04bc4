#!/usr/bin/env python3
"""prometheus_test.py COCKPIT: fleetd's /metrics scraped by the real Prometheus.

Starts `cockpit fleetd` over HTTPS and Debian's `prometheus` on free loopback
ports in a temp dir (both stopped by pid), makes one good and one bad build,
then asks Prometheus' query API for what it scraped: the target is up and the
build counters, the build latency histogram and the by-state gauges carry the
values fleetd has. The raw text also passes `promtool check metrics`."""
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

from fleetd_proc import Fleetd, stop_pid

fails = 0


def check(cond, what):
    global fails
    if not cond:
        fails += 1
        print("check failed:", what, file=sys.stderr)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    cockpit = sys.argv[1]
    if not shutil.which("prometheus"):
        print("prometheus is not installed (scripts/install-deps.sh installs it)", file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="fleetd-prom.")
    fleetd = prom = None
    try:
        fleetd = Fleetd(cockpit, tmp)
        cert, port = fleetd.cert, fleetd.port

        def req(method, path, body=None):
            return fleetd.req(method, path, body)

        good = "int main(void) { return 0; }\n"
        st, _ = req("POST", "/api/v1/builds", {"source": good, "filename": "ok.c", "version": "1.0.0"})
        check(st == 201, "good build: %d" % st)
        st, _ = req("POST", "/api/v1/builds", {"source": "int main(void) { return x; }\n", "filename": "bad.c"})
        check(st == 422, "bad build: %d" % st)

        # the text itself: content type, and promtool's own check
        st, hdr, body = fleetd.req("GET", "/metrics", token=None, raw=True)   # no token needed
        text = body.decode()
        check(st == 200 and hdr.get("Content-Type", "").startswith("text/plain; version=0.0.4"),
              "GET /metrics: %d %s" % (st, hdr.get("Content-Type")))
        pc = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        check(pc.returncode == 0, "promtool check metrics: " + pc.stdout + pc.stderr)
        check("fleet_builds_succeeded_total 1\n" in text, "one build counted in the text")

        pport = free_port()
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: fleetd\n    scheme: https\n"
                    "    tls_config:\n      ca_file: %s\n"
                    "    static_configs:\n      - targets: ['127.0.0.1:%d']\n" % (cert, port))
        prom = subprocess.Popen(["prometheus", "--config.file=" + cfg, "--storage.tsdb.path=" + os.path.join(tmp, "tsdb"),
                                 "--web.listen-address=127.0.0.1:%d" % pport],
                                stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prom.err"), "w"))

        def query(q):
            try:
                c = http.client.HTTPConnection("127.0.0.1", pport, timeout=5)
                c.request("GET", "/api/v1/query?query=" + urllib.parse.quote(q))
                r = json.loads(c.getresponse().read())
                c.close()
                return {json.dumps(x["metric"], sort_keys=True): float(x["value"][1]) for x in r["data"]["result"]}
            except (OSError, ValueError, KeyError):
                return None

        want = {
            'up{job="fleetd"}': 1,
            "fleet_builds_succeeded_total": 1,
            "fleet_builds_failed_total": 1,
            "fleet_build_duration_seconds_count": 2,
            'fleet_jobs{state="QUEUED"}': 0,
            'fleet_deployments{state="running"}': 0,
            "fleet_devices_online": 0,
        }
        got = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and prom.poll() is None:
            got = {}
            for q in want:
                r = query(q)
                got[q] = next(iter(r.values())) if r else None
            if all(got[q] is not None for q in want):
                break
            time.sleep(0.5)
        for q, v in want.items():
            check(got.get(q) == v, "Prometheus says %s = %s, fleetd has %s" % (q, got.get(q), v))
        if fails:
            sys.stderr.write("--- prometheus log\n" + open(os.path.join(tmp, "prom.err")).read()[-3000:])
            sys.stderr.write("--- /metrics\n" + text)
    finally:
        stop_pid(prom)
        if fleetd:
            fleetd.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("prometheus scraped fleetd:", "ok" if not fails else "%d failures" % fails)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
