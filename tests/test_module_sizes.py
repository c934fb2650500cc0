"""Issue 22: small modules, one concept each: none over 300 lines in the service packages."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("gateway_svc", "automation_svc", "devicecloud", "service_kit")
MAX_LINES = 300


def test_no_module_over_300_lines() -> None:
    sizes = {p.relative_to(ROOT).as_posix(): len(p.read_text().splitlines())
             for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    assert len(sizes) > 50                                   # the packages were found
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}
