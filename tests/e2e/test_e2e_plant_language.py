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

import pytest

from .conftest import assert_flow_ran, assert_page_shots, e2e_stack, run_node_flow

pytestmark = pytest.mark.timeout(500)


@pytest.fixture(scope="module")
def plant_stack(tmp_path_factory):
    """A stack of its own: the flow takes the simulated unit offline (and back), and the live
    state's thresholds are short so that "Late" and "Offline" come within seconds."""
    env = {"XO2_LATE_AFTER_S": "3", "XO2_OFFLINE_AFTER_S": "8", "XO2_SITE_NAME": "Panipat gate 2"}
    with e2e_stack(tmp_path_factory.mktemp("plant"), env) as s:
        yield s


def test_every_page_speaks_the_plants_language(plant_stack):
    proc = run_node_flow(plant_stack, "e2e/plant.flow.mjs", 480, fresh="plant-*", tail=30000)
    assert_flow_ran(proc, "plant-language browser flow", 6)
    assert_page_shots("plant")
