#!/usr/bin/env python3
"""fleetd_test.py COCKPIT [DB]: the real `cockpit fleetd` over HTTPS.

Makes a certificate (openssl), tokens of each role, starts fleetd on a free
loopback port (--listen 127.0.0.1:0, the port read from its first line) in a
temp dir, drives the API with http.client, stops it by its pid. DB (optional)
is a postgresql:// URL to run the same cases on PostgreSQL (pg_run.sh)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from fleetd_proc import Fleetd, stop_pid

EVIL = "x'); DROP TABLE artifacts; -- \"%_\\"
fails = 0
checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("check failed:", what, file=sys.stderr)


def main():
    cockpit = sys.argv[1]
    db = sys.argv[2] if len(sys.argv) > 2 else None
    tmp = tempfile.mkdtemp(prefix="fleetd-test.")
    proc = None
    try:
        f = Fleetd(cockpit, tmp, db, roles={r: r + EVIL for r in ("admin", "operator", "viewer")},
                   args=["--max-body", "65536"])
        proc, data, tok, req = f.proc, f.data, f.tokens, f.req
        for role in ("admin", "operator", "viewer"):
            check(re.fullmatch(r"cpt_[0-9a-f]{64}", tok[role]), "token shape " + tok[role])
        r = subprocess.run([cockpit, "fleetd", "token", "--data", data, "--role", "root", "--name", "x"],
                           capture_output=True, text=True)
        check(r.returncode == 2 and "unknown role" in r.stderr, "bad role refused")

        # key file mode
        st = os.stat(os.path.join(data, "fleet.key"))
        check(st.st_mode & 0o777 == 0o600, "fleet.key mode %o" % (st.st_mode & 0o777))

        s, b = req("GET", "/api/v1/health", token=None)
        check(s == 200 and b["status"] == "ok", "health %s %s" % (s, b))

        # builds: good, bad
        good = "int main(void) { int s = 0; for (int i = 0; i < 10; i++) s += i; return s; }\n"
        s, b = req("POST", "/api/v1/builds", {"source": good, "filename": "sum.c", "version": "1.2.3"})
        check(s == 201 and re.fullmatch("[0-9a-f]{64}", b.get("sha256", "")) and b["version"] == "1.2.3"
              and b["counter"] == 1 and b["size"] > 0, "build %s %s" % (s, b))
        sha = b.get("sha256", "")
        s, b2 = req("POST", "/api/v1/builds", {"source": good, "filename": "sum.c", "version": "1.2.4"})
        check(s == 201 and b2["counter"] == 2, "second build counter %s" % b2)
        s, b = req("POST", "/api/v1/builds", {"source": "int main(void) {\n  return y;\n}\n", "filename": "bad.c"})
        check(s == 422 and b["error"] == "unprocessable", "bad build %s %s" % (s, b))
        d = b.get("diagnostics", [{}])[0] if isinstance(b, dict) else {}
        check(d.get("file") == "bad.c" and d.get("line") == 2 and d.get("column") > 0 and
              d.get("severity") == "error" and "y" in d.get("message", ""), "diagnostic %s" % d)
        # bad input: each its specific error
        for body, want in [
            ('{"source": "x"', 400),                                     # malformed JSON
            ('[1]', 400),                                                # not an object
            ({"source": 1, "filename": "a.c"}, 400),                     # wrong type
            ({"source": "int main(void){return 0;}", "filename": "a.c", "evil": 1}, 400),  # unknown field
            ({"filename": "a.c"}, 400),                                  # missing field
            ({"source": "x", "filename": "../etc/passwd.c"}, 400),       # path trick
            ({"source": "x", "filename": EVIL + ".c"}, 400),
            ({"source": "x", "filename": "a.c", "version": "1.x"}, 400),
        ]:
            s, b = req("POST", "/api/v1/builds", body)
            check(s == want and isinstance(b, dict) and b.get("error") == "malformed" and b.get("detail"),
                  "bad body %r -> %s %s" % (body, s, b))
        s, b = req("POST", "/api/v1/builds", "x" * 70000)
        check(s == 413 and b["error"] == "payload_too_large", "huge body %s %s" % (s, b))

        # artifacts
        s, b = req("GET", "/api/v1/artifacts", token="viewer")
        check(s == 200 and len(b["artifacts"]) == 2 and b["artifacts"][1]["sha256"] == sha, "list %s" % b)
        s, b = req("GET", "/api/v1/artifacts/" + sha, token="viewer")
        check(s == 200 and b["filename"] == "sum.c" and b["counter"] == 1, "artifact %s" % b)
        s, b = req("GET", "/api/v1/artifacts/" + "0" * 64)
        check(s == 404 and b["error"] == "not_found", "missing artifact %s" % s)
        s, b = req("GET", "/api/v1/artifacts/ZZZ")
        check(s == 400, "bad sha %s" % s)
        s, h, full = req("GET", "/api/v1/artifacts/%s/content" % sha, raw=True)
        check(s == 200 and full[:4] == b"CVM1" and h.get("Accept-Ranges") == "bytes", "content %s" % s)
        art = os.path.join(tmp, "a.cvm1")
        with open(art, "wb") as f:
            f.write(full)
        v = subprocess.run([cockpit, "verify", art, "--pub", os.path.join(data, "fleet.pub")],
                           capture_output=True, text=True)
        check(v.returncode == 0 and "version 1.2.3" in v.stdout, "verify: %s %s" % (v.stdout, v.stderr))
        n = len(full)
        s, h, part = req("GET", "/api/v1/artifacts/%s/content" % sha, headers={"Range": "bytes=4-9"}, raw=True)
        check(s == 206 and part == full[4:10] and h.get("Content-Range") == "bytes 4-9/%d" % n, "range %s %s" % (s, h))
        s, h, part = req("GET", "/api/v1/artifacts/%s/content" % sha, headers={"Range": "bytes=-5"}, raw=True)
        check(s == 206 and part == full[-5:], "suffix range")
        s, h, part = req("GET", "/api/v1/artifacts/%s/content" % sha, headers={"Range": "bytes=%d-" % n}, raw=True)
        check(s == 416 and h.get("Content-Range") == "bytes */%d" % n, "416 %s %s" % (s, h))

        # auth and roles
        s, b = req("GET", "/api/v1/artifacts", token=None)
        check(s == 401 and b["error"] == "unauthorized", "no token %s" % s)
        s, b = req("GET", "/api/v1/artifacts", token="cpt_" + "0" * 64)
        check(s == 401, "unknown token %s" % s)
        s, b = req("GET", "/api/v1/artifacts", token="' OR '1'='1")
        check(s == 401, "sql token %s" % s)
        s, b = req("POST", "/api/v1/builds", {"source": good, "filename": "a.c"}, token="viewer")
        check(s == 403 and b["error"] == "forbidden", "viewer build %s %s" % (s, b))
        s, b = req("GET", "/api/v1/audit", token="operator")
        check(s == 403, "operator audit %s" % s)
        s, b = req("DELETE", "/api/v1/artifacts")
        check(s == 405, "405 %s" % s)
        s, b = req("GET", "/api/v1/nothing")
        check(s == 404, "404 %s" % s)
        s, b = req("GET", "/api/v1/artifacts?frob=1")
        check(s == 400 and "frob" in b["detail"], "unknown query %s" % b)
        s, b = req("GET", "/api/v1/artifacts?limit=x")
        check(s == 400, "bad limit %s" % s)

        # tokens: admins list, create, revoke; a revoked token is refused
        s, b = req("POST", "/api/v1/tokens", {"name": "ci", "role": "viewer"}, token="operator")
        check(s == 403, "operator creates a token %s" % s)
        s, b = req("POST", "/api/v1/tokens", {"name": "ci", "role": "root"}, token="admin")
        check(s == 400 and "role" in b["detail"], "bad role %s %s" % (s, b))
        s, b = req("POST", "/api/v1/tokens", {"name": "", "role": "viewer"}, token="admin")
        check(s == 400, "empty name %s" % s)
        s, b = req("POST", "/api/v1/tokens", {"name": "ci", "role": "viewer", "x": 1}, token="admin")
        check(s == 400, "unknown field %s" % s)
        s, b = req("POST", "/api/v1/tokens", {"name": "ci" + EVIL, "role": "operator"}, token="admin")
        check(s == 201 and re.fullmatch(r"cpt_[0-9a-f]{64}", b.get("token", "")) and b["role"] == "operator",
              "token created %s %s" % (s, b))
        new_id, new_tok = b.get("id"), b.get("token", "")
        s, b = req("GET", "/api/v1/artifacts", token=new_tok)
        check(s == 200, "the new token works %s" % s)
        s, b = req("GET", "/api/v1/tokens", token="admin")
        check(s == 200 and any(t["id"] == new_id and t["name"] == "ci" + EVIL and t["revoked"] is None
                               for t in b["tokens"]), "token listed %s" % b)
        check(new_tok not in json.dumps(b) and "hash" not in json.dumps(b), "the list shows no token or hash")
        s, b = req("DELETE", "/api/v1/tokens/%s" % new_id, token="admin")
        check(s == 200, "revoke %s %s" % (s, b))
        s, b = req("GET", "/api/v1/artifacts", token=new_tok)
        check(s == 401, "a revoked token is refused %s" % s)
        s, b = req("DELETE", "/api/v1/tokens/%s" % new_id, token="admin")
        check(s == 404, "revoke twice %s" % s)
        s, b = req("DELETE", "/api/v1/tokens/x1", token="admin")
        check(s == 400, "bad token id %s" % s)
        s, b = req("GET", "/api/v1/tokens", token="admin")
        admin_id = [t["id"] for t in b["tokens"] if t["role"] == "admin"][0]
        s, b = req("DELETE", "/api/v1/tokens/%s" % admin_id, token="admin")
        check(s == 409, "revoking the token in use %s" % s)

        # devices (none reported yet: ingest is not built): 404s and checks
        s, b = req("GET", "/api/v1/devices", token="viewer")
        check(s == 200 and b["devices"] == [], "devices %s" % b)
        s, b = req("GET", "/api/v1/devices/dev-1")
        check(s == 404, "no device %s" % s)
        s, b = req("PUT", "/api/v1/devices/dev-1/tags", {"tags": ["lab"]})
        check(s == 404, "tags on unknown device %s" % s)
        s, b = req("PUT", "/api/v1/devices/dev-1/tags", {"tags": [EVIL]})
        check(s == 400, "evil tag %s" % s)
        s, b = req("PUT", "/api/v1/devices/dev-1/tags", {"tags": "lab"})
        check(s == 400, "tags not array %s" % s)
        s, b = req("GET", "/api/v1/devices/dev-1/logs?since=0&limit=10")
        check(s == 200 and b["logs"] == [], "logs %s" % b)
        s, b = req("GET", "/api/v1/devices/dev-1/telemetry?name=temp&step=1000")
        check(s == 200 and b["points"] == [], "telemetry %s" % b)
        s, b = req("GET", "/api/v1/devices/dev%2F1/logs")
        check(s == 400, "slash in id %s" % s)

        # audit: every write, with the token's name
        s, b = req("GET", "/api/v1/audit?limit=1000", token="admin")
        check(s == 200, "audit %s" % s)
        rows = b.get("audit", []) if isinstance(b, dict) else []
        builds = [r for r in rows if r["path"] == "/api/v1/builds"]
        check(any(r["status"] == 201 and r["token"] == "operator" + EVIL and sha in r["detail"] for r in builds),
              "audit of the build")
        check(any(r["status"] == 422 for r in builds) and any(r["status"] == 413 for r in builds) and
              any(r["status"] == 403 and r["token"] == "viewer" + EVIL for r in builds), "audit of failures")
        check(any(r["method"] == "PUT" and r["status"] == 404 for r in rows), "audit of PUT")
        check(not any(r["method"] == "GET" for r in rows), "reads are not audited")
        s, b = req("GET", "/api/v1/artifacts", token="viewer")
        check(s == 200 and len(b["artifacts"]) == 2, "the database is unchanged by bad input")
    finally:
        if proc:
            check(stop_pid(proc) == 0, "fleetd exit status %s" % proc.returncode)
            # a fleet key others can read is refused
            keyf = os.path.join(tmp, "data", "fleet.key")
            os.chmod(keyf, 0o644)
            r = subprocess.run([cockpit, "fleetd", "--data", os.path.join(tmp, "data"), "--listen",
                                "127.0.0.1:0"] + (["--db", db] if db else []),
                               capture_output=True, text=True, timeout=30)
            check(r.returncode == 1 and "mode 644" in r.stderr, "key mode refused: %s" % r.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    print("fleet.fleetd: %d checks, %d failed" % (checks, fails))
    return 1 if fails or not checks else 0


if __name__ == "__main__":
    sys.exit(main())
