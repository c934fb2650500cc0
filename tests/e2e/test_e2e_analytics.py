"""Analytics end to end (issue 16): web/e2e/analytics.flow.mjs (playwright-core + Debian Chromium
+ @axe-core/playwright) against the stack through nginx.

A bad free range is refused with a message and asks nothing; a good one is charted; channels in two
units are compared on two axes; the chart downloads as a PNG and its series as a CSV (checked:
PNG header and size, CSV header, one row per bucket in the unit's days); at 360 px, light and
dark, no sideways scroll and no serious or critical axe violation. Artifacts: e2e-artifacts/analytics-*.
"""
from __future__ import annotations

import pytest

from .conftest import ARTIFACTS, assert_flow_ran, run_node_flow

pytestmark = pytest.mark.timeout(300)


def test_free_range_compare_and_downloads_in_the_browser(stack):
    proc = run_node_flow(stack, "e2e/analytics.flow.mjs", 280, fresh="analytics-*")
    assert_flow_ran(proc, "analytics browser flow", 7)
    files = {p.name for p in ARTIFACTS.glob("analytics-*")}
    expected = {"analytics-chart.png", "analytics-series.csv", "analytics-compare-1280.png",
                "analytics-compare-360-light.png", "analytics-compare-360-dark.png",
                "analytics-range-refused-1280.png"}
    assert expected <= files, f"missing artifacts: {sorted(expected - files)}"
