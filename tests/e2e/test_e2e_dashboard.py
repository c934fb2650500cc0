"""Dashboard at a glance (issue 16): web/e2e/dashboard.flow.mjs (playwright-core + Debian Chromium
+ @axe-core/playwright) against the stack through nginx.

Every page at 1280 px and 360 px, light and dark: screenshots in e2e-artifacts/dashboard-*.png,
no horizontal scroll at 360 px, axe-core without serious or critical violations (the findings per
page in e2e-artifacts/dashboard-report.json); the Overview's glance; the Impact report's charts
and its print layout (dashboard-impact-report.pdf); the remembered theme toggle; the PWA manifest,
service worker (no API data cached) and offline page.
"""
from __future__ import annotations

import re

import pytest

from .conftest import ARTIFACTS, run_node_flow

pytestmark = pytest.mark.timeout(400)

PAGES = ["overview", "impact", "automation", "analytics", "alerts"]


def test_every_page_at_two_widths_and_themes_with_axe_and_the_pwa(stack):
    proc = run_node_flow(stack, "e2e/dashboard.flow.mjs", 380, fresh="dashboard-*", tail=30000)
    assert proc.returncode == 0, "dashboard browser flow failed (output above)"
    passed = re.search(r"\bpass (\d+)", proc.stdout)
    assert passed and int(passed.group(1)) >= 9, "the flow did not run all its steps (skipped?)"
    shots = {p.name for p in ARTIFACTS.glob("dashboard-*.png")}
    expected = {f"dashboard-{page}-{width}-{scheme}.png"
                for page in PAGES for width in (1280, 360) for scheme in ("light", "dark")}
    assert expected <= shots, f"missing screenshots: {sorted(expected - shots)}"
