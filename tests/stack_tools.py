"""What every test that starts the whole console (nginx in front of the built web app) needs from
scripts/setup.sh, checked first so that a missing piece fails in words, not as a hang or a 404."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def need_stack_tools() -> None:
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: run scripts/setup.sh")
    if not (ROOT / "web/dist/index.html").exists():
        pytest.fail("web/dist is missing: run scripts/setup.sh "
                    "(or `npm --prefix web ci && npm --prefix web run build`)")
