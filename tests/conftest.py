"""Suite-wide ordering for parallel runs (scripts/test.sh runs pytest-xdist with --dist loadfile
--no-loadscope-reorder: a file stays on one worker, files are handed out in collection order).

The stack-level files (each starts a simulator, both services, nginx and often Chromium) take
from 10 to 60 s each on an idle machine, while the other ~1,100 tests take well under a second.
Handing the long files out first keeps them from becoming the run's tail on a single worker;
the short files then fill the gaps. The order within a file is kept."""
from __future__ import annotations

import pytest

# Longest first (seconds on an idle machine, from `--durations`); a file not named here keeps
# its place after these.
SLOW_FIRST = (
    "tests/e2e/test_e2e_plant_language.py",     # ~60
    "tests/e2e/test_e2e_history.py",            # ~57
    "tests/e2e/test_e2e_alerts.py",             # ~52 (two flows)
    "tests/e2e/test_e2e_dashboard.py",          # ~49
    "tests/reliability/test_rel_faults.py",     # ~45
    "tests/reliability/test_rel_security.py",   # ~30
    "tests/reliability/test_rel_state_file.py",  # ~25
    "tests/automation/test_auto_state_file_malformed.py",  # ~25
    "tests/e2e/test_e2e_browser.py",            # ~21
    "tests/reliability/test_rel_leaks.py",      # ~20
    "tests/gateway/test_gw_ws_frames.py",       # ~16
    "tests/test_bench_smoke.py",                # ~13
    "tests/reliability/test_rel_fuzz_automation.py",  # ~12
    "tests/e2e/test_e2e_analytics.py",          # ~9
)
_RANK = {path: n for n, path in enumerate(SLOW_FIRST)}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return _RANK.get(item.nodeid.split("::", 1)[0], len(SLOW_FIRST))
    items.sort(key=rank)  # stable: the rest keep their order
