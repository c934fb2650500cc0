"""scripts/run.sh's ports (issue 20): each one settable by flag and by XO2_* variable, and a busy
one named in one plain line with what to do, exit non-zero, no traceback, before any setup."""
from __future__ import annotations

import os
import socket
import subprocess

import pytest

from .test_deploy_files import ROOT

from scripts.stack import PORTS, free_port


@pytest.fixture
def busy_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def run_sh(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("XO2_")}
    return subprocess.run(["bash", str(ROOT / "scripts/run.sh"), *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("key", list(PORTS))
@pytest.mark.parametrize("how", ["flag", "env"])
def test_busy_port_is_named_in_one_line_and_run_sh_exits_non_zero(busy_port, key, how):
    flag, var, _, what = PORTS[key]
    # Every other port free too, so the message can only be about this one.
    ports = {k: str(free_port()) for k in PORTS}
    ports[key] = str(busy_port)
    if how == "flag":
        out = run_sh(*[a for k, p in ports.items() for a in (PORTS[k][0], p)])
    else:
        out = run_sh(**{PORTS[k][1]: p for k, p in ports.items()})
    assert out.returncode != 0
    lines = [line for line in (out.stdout + out.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert f"Port {busy_port} ({what}) is already in use" in lines[0]
    assert f"{flag} N or {var}=N" in lines[0]
    assert "Traceback" not in out.stderr


def test_a_flag_wins_over_its_variable(busy_port):
    out = run_sh("--port", str(busy_port), XO2_PORT=str(free_port()), XO2_SIM_PORT=str(free_port()),
                 XO2_GATEWAY_PORT=str(free_port()), XO2_AUTOMATION_PORT=str(free_port()))
    assert out.returncode != 0 and f"Port {busy_port} " in out.stderr


def test_a_bad_port_value_is_one_plain_error():
    out = run_sh(XO2_SIM_PORT="eighty")
    assert out.returncode != 0 and "XO2_SIM_PORT must be a port number" in out.stderr
    assert "Traceback" not in out.stderr
