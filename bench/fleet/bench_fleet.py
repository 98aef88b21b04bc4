#!/usr/bin/env python3
"""bench_fleet.py BUILD [PGURL]: `make bench-fleet`, the fleet backend's figures.

For the SQLite store (and PostgreSQL when PGURL is given, from
tests/fleet/pg_run.sh), starts a real `cockpit fleetd` over HTTPS on a free
loopback port in a temp dir, then measures:
  build    POST /api/v1/builds latency, sequential (examples/i2c_sensor.c)
  api      GET latency and rate with 1, 10 and 100 concurrent clients
           (bench/fleet/fleet_load.c over libcurl's multi interface)
  ingest   telemetry messages per second from MQTT into the store, nothing
           lost: `cockpit ca`, a real mosquitto (its broker-config), fleetd
           --broker, and bench/fleet/fleet_mqtt_load.c publishing the
           copilot's telemetry messages (cop_enc_telemetry) for many device
           ids at QoS 1; the rate is messages over the time from the first
           publish to the last row counted in fleet_ingest_records_stored_total
           on /metrics, and the rows must be every value sent, none twice
Prints a table and writes BUILD/bench-fleet.json. Timing only, never a test;
docs/performance.md has the method and the figures of the reference machine."""
import json
import os
import re
import socket
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "fleet"))
from fleetd_proc import Fleetd, stop_pid  # noqa: E402


def pct(v, p):
    v = sorted(v)
    return v[int((len(v) - 1) * p)] if v else 0.0


INGEST_CONNS, INGEST_DEVICES, INGEST_MSGS = 4, 200, int(os.environ.get("BENCH_INGEST_MSGS", "300"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def metric(f, name):
    st, body = f.req("GET", "/metrics", token=None)
    m = re.search(r"^%s (\S+)$" % re.escape(name), body.decode() if isinstance(body, bytes) else str(body), re.M)
    return float(m.group(1)) if m else 0.0


def wait_for(pred, secs):
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        if pred():
            return True
        time.sleep(0.05)
    return False


def bench_ingest(build, tmp, db, values):
    """fleetd --broker on the store; fleet_mqtt_load's messages into it: as
    many rows as 5-value messages make, so the 1-value run is 5 times longer."""
    msgs = INGEST_MSGS * 5 // values
    ck = os.path.join(build, "bin", "cockpit")
    ca = os.path.join(tmp, "ca")
    run = lambda *a: subprocess.run([ck, *a], check=True, capture_output=True, text=True)  # noqa: E731
    run("ca", "init", ca)
    run("ca", "issue", ca, "--server", "localhost")
    run("ca", "issue", ca, "--server", "fleetd")
    port = free_port()
    conf = os.path.join(tmp, "mosquitto.conf")
    user = ["--user", "root"] if os.getuid() == 0 else []
    run("ca", "broker-config", ca, "--port", str(port), "--out", conf, *user)
    # the broker's defaults queue 1000 messages a client (and drop what
    # comes beyond) and 20 in flight: a benchmark of the backend lets the
    # broker hold whatever fleetd has not taken yet (docs/performance.md)
    with open(conf, "a") as fh:
        fh.write("max_queued_messages 0\nmax_queued_bytes 0\nmax_inflight_messages 1000\n")
    broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(tmp, "broker.log"), "w"))
    f = None
    try:
        if not wait_for(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0, 10):
            raise RuntimeError("mosquitto did not start: " + open(os.path.join(tmp, "broker.log")).read())
        crt = lambda n: os.path.join(ca, "servers", n)  # noqa: E731
        f = Fleetd(ck, tmp, db, args=["--broker", "mqtts://localhost:%d" % port, "--ca", os.path.join(ca, "ca.crt"),
                                      "--cert", crt("fleetd.crt"), "--key", crt("fleetd.key")])
        if not wait_for(lambda: "broker: connected" in open(f.errf).read(), 15):
            raise RuntimeError("fleetd did not connect: " + open(f.errf).read())
        time.sleep(0.5)   # its subscriptions
        rows0 = metric(f, "fleet_ingest_records_stored_total")
        t0 = time.monotonic()
        load = subprocess.Popen([os.path.join(build, "bin", "fleet_mqtt_load"), "127.0.0.1", str(port),
                                 os.path.join(ca, "ca.crt"), crt("fleetd.crt"), crt("fleetd.key"), str(INGEST_CONNS),
                                 str(INGEST_DEVICES), str(msgs), str(values)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = load.communicate()
        if not out.strip():
            raise RuntimeError("fleet_mqtt_load: " + err)
        gen = json.loads(out)
        want = gen["rows"]
        # the last row: poll the counter until it has every row, or stops
        last, t_last, stored = -1.0, time.monotonic(), 0.0
        while True:
            stored = metric(f, "fleet_ingest_records_stored_total") - rows0
            now = time.monotonic()
            if stored >= want:
                t_end = now
                break
            if stored != last:
                last, t_last = stored, now
            elif now - t_last > 10:
                t_end = t_last
                break
            time.sleep(0.02)
        secs = t_end - t0
        dups = metric(f, "fleet_ingest_duplicates_total")
        refused = metric(f, "fleet_ingest_rejected_total")
        # the store itself: every point of a few devices, each once
        counted = 0
        for dev in (0, INGEST_DEVICES // 2, INGEST_DEVICES - 1):
            st, body = f.req("GET", "/api/v1/devices/load-%d/telemetry?limit=100000" % dev)
            boot = "%08x" % (0x10000000 + (values << 20) + dev)   # fleet_mqtt_load's: this run's
            pts = [p for p in body["points"] if p["boot_id"] == boot] if st == 200 else []
            if len(set((p["name"], p["seq"]) for p in pts)) != len(pts):
                raise RuntimeError("load-%d: points stored twice" % dev)
            counted += len(pts)
        return {"values": values, "sent": gen["sent"], "acked": gen["acked"], "published_per_s": gen["per_s"],
                "rows_want": want, "rows_stored": int(stored), "duplicates": int(dups), "refused": int(refused),
                "sample_points": counted, "sample_want": 3 * msgs * values, "seconds": secs,
                "per_s": gen["acked"] / secs if secs > 0 else 0.0, "rows_per_s": stored / secs if secs > 0 else 0.0,
                "lost": int(want - stored) + (3 * msgs * values - counted)}
    finally:
        if f:
            f.stop()
        stop_pid(broker)


def bench_store(build, name, db):
    tmp = tempfile.mkdtemp(prefix="bench-fleet.")
    f = None
    res = {"store": name}
    try:
        f = Fleetd(os.path.join(build, "bin", "cockpit"), tmp, db, args=["--max-body", "4194304"])
        src = open(os.path.join(ROOT, "examples", "i2c_sensor.c")).read()
        lat = []
        for i in range(20):
            t0 = time.monotonic()
            st, body = f.req("POST", "/api/v1/builds", {"source": src, "filename": "i2c_sensor.c",
                                                       "version": "1.0.%d" % i})
            lat.append((time.monotonic() - t0) * 1000)
            if st != 201:
                raise RuntimeError("build answered %d: %s" % (st, str(body)[:300]))
        res["build_ms"] = {"p50": statistics.median(lat), "p95": pct(lat, 0.95), "n": len(lat)}
        load = os.path.join(build, "bin", "fleet_load")
        env = dict(os.environ, FLEET_LOAD_CA=f.cert)
        res["api"] = []
        for clients in (1, 10, 100):
            r = subprocess.run([load, f.url, f.tokens["operator"], str(clients), "5", "/api/v1/health", "/api/v1/devices",
                                "/api/v1/artifacts?limit=10"], capture_output=True, text=True, env=env)
            if not r.stdout.strip():
                raise RuntimeError("fleet_load: " + r.stderr)
            res["api"].append(json.loads(r.stdout))
    finally:
        if f:
            f.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    res["ingest"] = []
    if os.path.exists(os.path.join(build, "bin", "fleet_mqtt_load")) and os.path.exists("/usr/sbin/mosquitto"):
        for values in (5, 1):
            tmp = tempfile.mkdtemp(prefix="bench-fleet-ingest.")
            try:
                res["ingest"].append(bench_ingest(build, tmp, db, values))
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    return res


def main():
    build = sys.argv[1]
    runs = [bench_store(build, "sqlite", None)]
    if len(sys.argv) > 2:
        runs.append(bench_store(build, "postgresql", sys.argv[2]))
    print("\nfleetd (%d cores)" % os.cpu_count())
    print("%-11s %-28s %s" % ("store", "measure", "figure"))
    for r in runs:
        b = r["build_ms"]
        print("%-11s %-28s p50 %.1f ms, p95 %.1f ms (%d builds)" % (r["store"], "POST /builds", b["p50"], b["p95"], b["n"]))
        for a in r["api"]:
            print("%-11s %-28s %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors" % (
                r["store"], "GET, %d concurrent clients" % a["clients"], a["per_s"], a["p50_ms"], a["p99_ms"],
                a["errors"]))
        for g in r.get("ingest", []):
            print("%-11s %-28s %.0f msg/s (%.0f rows/s) into the store, %d of %d rows, %d lost, %d twice, %d refused; "
                  "published %.0f msg/s" % (r["store"], "ingest, %d value%s a message" % (g["values"], "s" if g["values"] > 1 else ""),  # noqa: E501
                                            g["per_s"], g["rows_per_s"], g["rows_stored"], g["rows_want"], g["lost"],
                                            g["duplicates"], g["refused"], g["published_per_s"]))
    out = os.path.join(build, "bench-fleet.json")
    with open(out, "w") as fh:
        json.dump(runs, fh, indent=1)
    print("\n(written to %s)" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
