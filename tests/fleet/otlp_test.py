#!/usr/bin/env python3
"""otlp_test.py DRIVE CASE: fleetd's OTLP/HTTP JSON export against a collector
that checks every request against the OTLP JSON structure
(opentelemetry-proto: ExportLogsServiceRequest, ExportMetricsServiceRequest;
lowerCamelCase, 64-bit integers as decimal strings).

CASE ok        all lines arrive once, metrics carry the driver's values
CASE retry     the collector answers 503 (with Retry-After) and 429 first:
               the batches are sent again, all lines arrive once
CASE overflow  no collector at all, a queue of 50: the lines past the queue
               and those left at the stop deadline are dropped and counted
CASE refused   the collector answers 400: the batches are counted failed
"""
import http.server
import json
import re
import socket
import subprocess
import sys
import threading

errors = []
logs = []          # (device, seq, body)
metrics = {}       # name -> metric object (the last seen)
state = {"fail": [], "requests": 0}
DIGITS = re.compile(r"^[0-9]+$")


def err(what):
    errors.append(what)


def is_u64(v):
    return isinstance(v, str) and DIGITS.match(v) is not None


def check_resource(r):
    attrs = {a["key"]: a["value"] for a in r.get("attributes", [])}
    if attrs.get("service.name") != {"stringValue": "cockpit-fleetd"}:
        err("resource service.name: %r" % attrs)
    if "service.instance.id" not in attrs:
        err("no service.instance.id")


def check_logs(doc):
    rl = doc.get("resourceLogs")
    if not isinstance(rl, list) or not rl:
        return err("resourceLogs missing")
    for r in rl:
        check_resource(r.get("resource", {}))
        for sl in r.get("scopeLogs", []):
            if not isinstance(sl.get("scope", {}).get("name"), str):
                err("scope.name")
            for rec in sl.get("logRecords", []):
                for k in ("timeUnixNano", "observedTimeUnixNano"):
                    if not is_u64(rec.get(k)):
                        err("%s not a decimal string: %r" % (k, rec.get(k)))
                if not isinstance(rec.get("severityNumber"), int) or not 1 <= rec["severityNumber"] <= 24:
                    err("severityNumber %r" % rec.get("severityNumber"))
                if rec.get("severityText") not in ("INFO", "WARN", "ERROR", "DEBUG"):
                    err("severityText %r" % rec.get("severityText"))
                body = rec.get("body", {}).get("stringValue")
                if not isinstance(body, str):
                    err("body.stringValue")
                a = {x["key"]: x["value"] for x in rec.get("attributes", [])}
                seq = a.get("log.seq", {}).get("intValue")
                if not is_u64(seq):
                    err("log.seq intValue %r" % seq)
                dev = a.get("device.id", {}).get("stringValue")
                logs.append((dev, int(seq) if is_u64(seq) else -1, body))


def check_metrics(doc):
    rm = doc.get("resourceMetrics")
    if not isinstance(rm, list) or not rm:
        return err("resourceMetrics missing")
    for r in rm:
        check_resource(r.get("resource", {}))
        for sm in r.get("scopeMetrics", []):
            for m in sm.get("metrics", []):
                kinds = [k for k in ("sum", "gauge", "histogram") if k in m]
                if len(kinds) != 1 or not isinstance(m.get("name"), str):
                    err("metric %r: one of sum/gauge/histogram" % m.get("name"))
                    continue
                d = m[kinds[0]]
                for p in d.get("dataPoints", []):
                    if not is_u64(p.get("timeUnixNano")):
                        err("%s timeUnixNano" % m["name"])
                if kinds[0] == "sum":
                    if d.get("aggregationTemporality") != 2 or d.get("isMonotonic") is not True:
                        err("%s: cumulative monotonic sum" % m["name"])
                    if not all(is_u64(p.get("asInt")) for p in d["dataPoints"]):
                        err("%s asInt" % m["name"])
                elif kinds[0] == "gauge":
                    if not all(isinstance(p.get("asDouble"), (int, float)) for p in d["dataPoints"]):
                        err("%s asDouble" % m["name"])
                else:
                    for p in d["dataPoints"]:
                        bc, eb = p.get("bucketCounts", []), p.get("explicitBounds", [])
                        if len(bc) != len(eb) + 1 or not all(is_u64(x) for x in bc):
                            err("%s buckets" % m["name"])
                        elif sum(int(x) for x in bc) != int(p.get("count", "-1")):
                            err("%s count != sum of buckets" % m["name"])
                metrics[m["name"]] = m


class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        state["requests"] += 1
        if self.path not in ("/v1/logs", "/v1/metrics"):
            err("path %s" % self.path)
        if self.headers.get("Content-Type") != "application/json":
            err("content type %r" % self.headers.get("Content-Type"))
        if state["fail"] and self.path == "/v1/logs":
            code = state["fail"].pop(0)
            self.send_response(code)
            if code == 503:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            doc = json.loads(body)
        except ValueError:
            err("not JSON")
            doc = {}
        (check_logs if self.path == "/v1/logs" else check_metrics)(doc)
        out = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


def main():
    drive, case = sys.argv[1], sys.argv[2]
    lines = 1000
    srv = None
    if case == "overflow":
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()   # nobody listens there
    else:
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        port = srv.server_address[1]
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    if case == "retry":
        state["fail"] = [503, 429, 503]
    if case == "refused":
        state["fail"] = [400] * 1000
    qmax = 50 if case == "overflow" else 5000
    stop_ms = 500 if case == "overflow" else 8000
    r = subprocess.run([drive, "http://127.0.0.1:%d/" % port, str(lines), str(qmax), str(stop_ms)],
                       capture_output=True, text=True, timeout=120)
    if srv:
        srv.shutdown()
    if r.returncode != 0:
        print("driver failed:", r.stderr)
        return 1
    st = json.loads(r.stdout)
    got = {(d, s) for d, s, _ in logs}
    if case in ("ok", "retry"):
        if len(logs) != lines or len(got) != lines:
            err("%d lines received (%d distinct), %d sent" % (len(logs), len(got), lines))
        if st["sent"] != lines or st["dropped"] or st["failed"]:
            err("driver counts %r" % st)
        want = {(("dev-%d" % (i % 7)), i) for i in range(lines)}
        if got != want:
            err("lines differ from what was logged")
        if logs and logs[0][2] != 'line 0 "quoted" \\ \u00e9':
            err("body escaped wrong: %r" % logs[0][2])
        m = metrics.get("fleet_ingest_messages_total")
        if not m or m["sum"]["dataPoints"][0]["asInt"] != "42":
            err("fleet_ingest_messages_total: %r" % m)
        m = metrics.get("fleet_ingest_lag_seconds")
        if not m or m["gauge"]["dataPoints"][0]["asDouble"] != 0.5:
            err("fleet_ingest_lag_seconds: %r" % m)
        m = metrics.get("fleet_build_duration_seconds")
        if not m or m["histogram"]["dataPoints"][0]["count"] != "2":
            err("fleet_build_duration_seconds: %r" % m)
        if case == "retry" and st["retries"] < 3:
            err("3 refusals but %d retries" % st["retries"])
    elif case == "overflow":
        if st["sent"] != 0 or st["failed"] != 0:
            err("counts %r" % st)
        # every line is accounted for: refused at the queue, or dropped at the deadline
        if st["dropped"] != lines or st["dropped_metric"] != lines:
            err("%d lines, %d dropped (metric %d)" % (lines, st["dropped"], st["dropped_metric"]))
        if st["taken"] > qmax:
            err("the queue of %d took %d" % (qmax, st["taken"]))
    elif case == "refused":
        if st["failed"] != lines or st["sent"] or st["retries"]:
            err("a 400 is not retried and counts failed: %r" % st)
    for e in errors[:20]:
        print("FAIL:", e)
    print("%s: %d requests, driver %r, %s" % (case, state["requests"], st, "ok" if not errors else "%d errors" % len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
