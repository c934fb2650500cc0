"""CloudCache on its own: single-flight under threads and under gevent, stale and errors."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from devicecloud.rest import CloudError
from gateway_svc.cache import CloudCache
from tests.eventually import eventually

from .conftest import FakeClock

ROOT = Path(__file__).resolve().parents[2]


def test_followers_share_the_leaders_error_when_nothing_is_cached():
    cache = CloudCache(timer=FakeClock())
    calls, entered = [], []

    def load():
        calls.append(1)
        # Fail only once every caller has come in: the late ones wait on this very load (or,
        # arriving after it, get its held error: either way it is not loaded again).
        eventually(lambda: len(entered) == 10, 5, 0.01, "every caller in")
        raise CloudError("device cloud timed out (graph/hour)")

    errors = []

    def worker():
        entered.append(1)
        try:
            cache.get("k", 30, load)
        except CloudError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert errors == ["device cloud timed out (graph/hour)"] * 10
    assert cache.counts["error"] == 10


def test_a_held_error_is_retried_after_the_hold():
    clock = FakeClock()
    cache = CloudCache(timer=clock, error_hold_s=5)
    outcomes = iter([CloudError("down"), "fresh"])

    def load():
        item = next(outcomes)
        if isinstance(item, Exception):
            raise item
        return item

    with pytest.raises(CloudError):
        cache.get("k", 30, load)
    with pytest.raises(CloudError):   # still held: load not called again
        cache.get("k", 30, load)
    clock.advance(6)
    got = cache.get("k", 30, load)
    assert (got.value, got.state) == ("fresh", "miss")
    assert cache.get("k", 30, load).state == "hit"


def test_keys_are_independent():
    cache = CloudCache(timer=FakeClock())
    assert cache.get(("graph", "hour"), 30, lambda: 1).value == 1
    assert cache.get(("graph", "day"), 30, lambda: 2).value == 2
    assert cache.get(("graph", "hour"), 30, lambda: 3).value == 1


def test_single_flight_under_gevent_monkey_patching():
    """Production runs in gunicorn's gevent worker: same code, patched threading."""
    script = textwrap.dedent("""
        from gevent import monkey; monkey.patch_all()
        import gevent, time
        from gateway_svc.cache import CloudCache
        from service_kit.coop import under_gevent, run_cpu
        assert under_gevent()
        cache, calls = CloudCache(), []
        def load():
            calls.append(1)
            gevent.sleep(0.2)          # a cloud call: yields to other greenlets
            return {"n": 1}
        jobs = [gevent.spawn(cache.get, "k", 30, load) for _ in range(50)]
        gevent.joinall(jobs, timeout=5)
        states = sorted({j.value.state for j in jobs})
        # CPU work goes to a real OS thread: the hub keeps running greenlets meanwhile
        ticks = []
        ticker = gevent.spawn(lambda: [ticks.append(gevent.sleep(0.01)) for _ in range(500)])
        gevent.sleep(0)
        def busy():
            end = time.perf_counter() + 0.4
            while time.perf_counter() < end:
                sum(range(1000))
            return len(ticks)          # how often the hub ticked while this ran
        seen = run_cpu(busy)
        ticker.kill()
        print(len(calls), states, seen >= 5)
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "['miss']", "True"]
