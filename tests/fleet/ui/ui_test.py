"""ui_test.py: the dashboard in a real browser (fleet.ui.*).

    ui_test.py COCKPIT UI_SEED CASE SHOTS_DIR [DB]

Starts a real `cockpit fleetd` over HTTPS (fleetd_proc.Fleetd: a loopback
certificate, an operator and a viewer token), fills the store with devices
through ui_seed, and runs ui_browser.mjs CASE: playwright-core driving
Debian's chromium, headless. Screenshots go to SHOTS_DIR. Exit 77 (skipped)
only if chromium cannot run at all; a missing playwright-core (npm ci, see
scripts/install-deps.sh) is a failure."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fleetd_proc import Fleetd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def chromium():
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    return None


def main():
    cockpit, seed, case, shots = sys.argv[1:5]
    db = sys.argv[5] if len(sys.argv) > 5 else None
    exe = chromium()
    if not exe:
        print("SKIP: chromium is not installed (scripts/install-deps.sh installs it)")
        return 77
    with tempfile.TemporaryDirectory() as probe:
        try:
            r = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={probe}",
                                "--dump-dom", "about:blank"], capture_output=True, text=True, timeout=60)
            ran = r.returncode == 0 and "<html" in r.stdout
        except (OSError, subprocess.TimeoutExpired) as e:
            ran, r = False, e
        if not ran:
            print("SKIP: chromium cannot run here:", getattr(r, "stderr", r))
            return 77
    os.makedirs(shots, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        with Fleetd(cockpit, tmp, db=db, roles={"operator": "ops", "viewer": "watcher"}) as f:
            subprocess.run([seed, f.data] + ([db] if db else []), check=True)
            env = dict(os.environ, FLEETD_URL=f.url, OPERATOR_TOKEN=f.tokens["operator"],
                       VIEWER_TOKEN=f.tokens["viewer"], CHROMIUM=exe, SHOTS=shots, HOME=tmp)
            r = subprocess.run(["node", os.path.join(HERE, "ui_browser.mjs"), case], env=env, timeout=240)
            if r.returncode != 0:
                print("fleetd stderr:", open(f.errf).read()[-2000:])
            return r.returncode


if __name__ == "__main__":
    sys.exit(main())
