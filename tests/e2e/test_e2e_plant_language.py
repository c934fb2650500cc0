"""The plant's language (issue 23, SPEC 12): web/e2e/plant.flow.mjs (playwright-core + Debian
Chromium + @axe-core/playwright) against the stack through nginx.

Every page at 1280 and 360 px, light and dark, in a browser set to en-US in New York: no channel
code (d1..d40) or relay code (i1..i18) in the visible text, no M/D date in the text or on a chart's
canvas, the zone (IST) on every chart's time axis and a unit on every y axis, no serious or critical
axe violation (label-content-name-mismatch included); the banner says "Offline since HH:MM IST"
while the simulated unit reports offline and greys the values, then "Live"; the Automation page on a
phone: compact rows, one tap confirmed, details and Save on demand, a too-long name refused in words.
Screenshots in e2e-artifacts/plant-*.png, findings in e2e-artifacts/plant-report.json.
"""
from __future__ import annotations

import re

import pytest

from .conftest import ARTIFACTS, ROOT, run_node_flow  # noqa: F401  (ROOT: scripts/ on sys.path)
from stack import Stack, free_port  # noqa: E402

pytestmark = pytest.mark.timeout(500)

PAGES = ["overview", "impact", "automation", "analytics", "alerts"]


@pytest.fixture(scope="module")
def plant_stack(tmp_path_factory):
    """A stack of its own: the flow takes the simulated unit offline (and back), and the live
    state's thresholds are short so that "Late" and "Offline" come within seconds."""
    ports = {"sim": free_port(), "gateway": free_port(), "automation": free_port()}
    env = {"XO2_ADMIN_PASSWORD": "e2e-password-123", "XO2_DEV": "1",
           "XO2_COMMAND_TIMEOUT_S": "20", "XO2_MIN_DWELL_S": "1", "XO2_DISPLAY_INTERVAL_S": "2",
           "XO2_LATE_AFTER_S": "3", "XO2_OFFLINE_AFTER_S": "8", "XO2_SITE_NAME": "Panipat gate 2"}
    with Stack(port=free_port(), sim_period=0.5, run_dir=tmp_path_factory.mktemp("plant"), env=env,
               ports=ports, sim_args=["--command-delay", "1"]) as s:
        yield s


def test_every_page_speaks_the_plants_language(plant_stack):
    proc = run_node_flow(plant_stack, "e2e/plant.flow.mjs", 480, fresh="plant-*", tail=30000)
    assert proc.returncode == 0, "plant-language browser flow failed (output above)"
    passed = re.search(r"\bpass (\d+)", proc.stdout)
    assert passed and int(passed.group(1)) >= 6, "the flow did not run all its steps (skipped?)"
    shots = {p.name for p in ARTIFACTS.glob("plant-*.png")}
    expected = {f"plant-{page}-{width}-{scheme}.png"
                for page in PAGES for width in (1280, 360) for scheme in ("light", "dark")}
    assert expected <= shots, f"missing screenshots: {sorted(expected - shots)}"
