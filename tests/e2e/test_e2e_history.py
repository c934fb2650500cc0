"""The history store end to end (SPEC section 10): the simulator's report link paced like a
plant's link, a fresh store, the Analytics page in headless Chromium through nginx: the
backfill's progress shows and fills, then a year view renders; the gateway's status agrees."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request

import pytest

from tests.stack_tools import need_stack_tools

from .conftest import ROOT, Stack, free_port

pytestmark = pytest.mark.timeout(420)
BACKFILL_DAYS = 31
# ~3 MB a day at 4 MB/s: the 31-day backfill takes ~25-40 s, long enough to be watched
S3_BYTES_PER_S = 4_000_000


@pytest.fixture(scope="module")
def history_stack(tmp_path_factory):
    need_stack_tools()
    run_dir = tmp_path_factory.mktemp("history-stack")
    ports = {"sim": free_port(), "gateway": free_port(), "automation": free_port()}
    env = {"XO2_ADMIN_PASSWORD": "e2e-password-123", "XO2_DEV": "1",
           "XO2_HISTORY_DIR": str(run_dir / "history"),
           "XO2_HISTORY_BACKFILL_DAYS": str(BACKFILL_DAYS)}
    with Stack(port=free_port(), sim_period=1, run_dir=run_dir, env=env, ports=ports,
               sim_args=["--s3-bytes-per-s", str(S3_BYTES_PER_S), "--quiet"]) as s:
        yield s


def _status(stack: Stack) -> dict:
    req = urllib.request.Request(f"{stack.url}/api/auth/login", method="POST",
                                 data=json.dumps({"deviceId": "IOCL_XTRA_O2_ADMIN",
                                                  "password": stack.password}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        token = json.load(resp)["access_token"]
    req = urllib.request.Request(f"{stack.url}/api/history/status",
                                 headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)


def test_backfill_progress_then_a_year_view(history_stack):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    artifacts = ROOT / "e2e-artifacts"
    artifacts.mkdir(exist_ok=True)
    env = {**os.environ, "BASE_URL": history_stack.url, "ADMIN_PASSWORD": history_stack.password,
           "CHROMIUM": chromium, "ARTIFACTS_DIR": str(artifacts), "WEB_DIR": str(ROOT / "web"),
           "BACKFILL_DAYS": str(BACKFILL_DAYS)}
    proc = subprocess.run(["node", str(ROOT / "tests/e2e/history_e2e.mjs")], cwd=ROOT / "web", env=env,
                          capture_output=True, text=True, timeout=360)
    print(proc.stdout[-5000:], proc.stderr[-5000:])
    assert proc.returncode == 0, "the history browser test failed (output above)"
    status = _status(history_stack)
    # the backfilled month, plus the year view's other past days, queued for the background
    assert status["days_stored"] >= BACKFILL_DAYS and status["error"] is None
    assert status["backfill"]["pending"] + status["days_stored"] == 364
    assert (artifacts / "history-year.png").exists()
