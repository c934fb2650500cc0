"""The whole console as a user gets it: simulator, both services and nginx, on loopback."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.stack import Stack, free_port
from tests.stack_tools import need_stack_tools

ROOT = Path(__file__).resolve().parents[2]


def e2e_stack(run_dir: Path, env: dict[str, str] | None = None) -> Stack:
    """A stack for browser flows (not started): fast frames, short relay timers; `env` adds to it."""
    need_stack_tools()
    ports = {"sim": free_port(), "gateway": free_port(), "automation": free_port()}
    base = {"XO2_ADMIN_PASSWORD": "e2e-password-123", "XO2_DEV": "1",
            "XO2_COMMAND_TIMEOUT_S": "20", "XO2_MIN_DWELL_S": "1", "XO2_DISPLAY_INTERVAL_S": "2",
            # a webhook to a loopback port nobody listens on: "Send test" shows the real refusal
            "XO2_ALERT_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/hook"}
    return Stack(port=free_port(), sim_period=0.5, run_dir=run_dir, env={**base, **(env or {})}, ports=ports,
                 sim_args=["--command-delay", "1"])


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    with e2e_stack(tmp_path_factory.mktemp("stack")) as s:
        yield s


ARTIFACTS = ROOT / "e2e-artifacts"
PAGES = ("overview", "impact", "automation", "analytics", "alerts")


def assert_flow_ran(proc: subprocess.CompletedProcess, what: str, steps: int) -> None:
    """The node flow passed, and ran at least `steps` steps (none skipped away)."""
    assert proc.returncode == 0, f"{what} failed (output above)"
    passed = re.search(r"\bpass (\d+)", proc.stdout)
    assert passed and int(passed.group(1)) >= steps, f"{what} did not run all its steps (skipped?)"


def assert_page_shots(prefix: str) -> None:
    """A screenshot of every page at 1280 and 360 px, light and dark: <prefix>-<page>-<width>-<scheme>.png."""
    shots = {p.name for p in ARTIFACTS.glob(f"{prefix}-*.png")}
    expected = {f"{prefix}-{page}-{width}-{scheme}.png"
                for page in PAGES for width in (1280, 360) for scheme in ("light", "dark")}
    assert expected <= shots, f"missing screenshots: {sorted(expected - shots)}"


def run_node_flow(stack: Stack, target: str, timeout: float, *, fresh: str | None = None,
                  tail: int = 20000, flow_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run web/<target> (node's test runner: playwright-core + Debian Chromium) against the
    stack, printing its output for the test report. `fresh`: a glob of this flow's old
    artifacts to delete first, so the test sees only what this run wrote; `flow_env`: more for the flow."""
    ARTIFACTS.mkdir(exist_ok=True)
    if fresh:
        for old in ARTIFACTS.glob(fresh):
            old.unlink()
    env = {**os.environ, "BASE_URL": stack.url, "ADMIN_PASSWORD": stack.password,
           "SIM_URL": stack.sim_url, "CHROMIUM": shutil.which("chromium") or "/usr/bin/chromium",
           "ARTIFACTS_DIR": str(ARTIFACTS), **(flow_env or {})}
    proc = subprocess.run(["node", "--test", "--test-reporter=spec", target], cwd=ROOT / "web",
                          env=env, capture_output=True, text=True, timeout=timeout)
    print(proc.stdout[-tail:])
    print(proc.stderr[-5000:])
    return proc
