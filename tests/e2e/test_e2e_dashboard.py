"""Dashboard at a glance (issue 16): web/e2e/dashboard.flow.mjs (playwright-core + Debian Chromium
+ @axe-core/playwright) against the stack through nginx.

Every page at 1280 px and 360 px, light and dark: screenshots in e2e-artifacts/dashboard-*.png,
no horizontal scroll at 360 px, axe-core without serious or critical violations (the findings per
page in e2e-artifacts/dashboard-report.json); the Overview's glance; the Impact report's charts
and its print layout (dashboard-impact-report.pdf); the remembered theme toggle; the PWA manifest,
service worker (no API data cached) and offline page.
"""
from __future__ import annotations

import pytest

from .conftest import assert_flow_ran, assert_page_shots, run_node_flow

pytestmark = pytest.mark.timeout(400)


def test_every_page_at_two_widths_and_themes_with_axe_and_the_pwa(stack):
    proc = run_node_flow(stack, "e2e/dashboard.flow.mjs", 380, fresh="dashboard-*", tail=30000)
    assert_flow_ran(proc, "dashboard browser flow", 9)
    assert_page_shots("dashboard")
