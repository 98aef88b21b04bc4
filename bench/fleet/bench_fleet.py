#!/usr/bin/env python3
"""bench_fleet.py BUILD [PGURL]: `make bench-fleet`, the fleet backend's figures.

For the SQLite store (and PostgreSQL when PGURL is given, from
tests/fleet/pg_run.sh), starts a real `cockpit fleetd` over HTTPS on a free
loopback port in a temp dir, then measures:
  build    POST /api/v1/builds latency, sequential (examples/i2c_sensor.c)
  api      GET latency and rate with 1, 10 and 100 concurrent clients
           (bench/fleet/fleet_load.c over libcurl's multi interface)
Prints a table and writes BUILD/bench-fleet.json. Timing only, never a test;
docs/performance.md has the method and the figures of the reference machine."""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "fleet"))
from fleetd_proc import Fleetd  # noqa: E402


def pct(v, p):
    v = sorted(v)
    return v[int((len(v) - 1) * p)] if v else 0.0


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
    out = os.path.join(build, "bench-fleet.json")
    with open(out, "w") as fh:
        json.dump(runs, fh, indent=1)
    print("\n(written to %s)" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
