"""The login's global failure cap (SPEC 11): many failures from many clients slow every
attempt, never lock out the right password; password checks run off the gevent hub."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from service_kit.auth import THROTTLE
from service_kit.login_throttle import LoginThrottle

from .conftest import ALIAS, PASSWORD, FakeClock

ROOT = Path(__file__).resolve().parents[2]


def test_the_delay_grows_with_recent_failures_and_is_capped():
    clock = FakeClock()
    throttle = LoginThrottle(free=3, window_s=60, step_s=0.5, max_delay_s=2, clock=clock)
    delays = []
    for _ in range(10):
        delays.append(throttle.delay_s())
        throttle.failed()
    assert delays == [0, 0, 0, 0, 0.5, 1.0, 1.5, 2, 2, 2]
    clock.advance(59)
    assert throttle.delay_s() == 2
    clock.advance(2)                              # the window has moved past every failure
    assert throttle.delay_s() == 0 and throttle.recent_failures() == 0


def attempt(client, password: str, ip: str):
    t0 = time.monotonic()
    resp = client.post("/api/auth/login", json={"deviceId": ALIAS, "password": password},
                       headers={"X-Forwarded-For": ip})
    return resp.status_code, time.monotonic() - t0


def test_failures_from_many_clients_slow_every_attempt_but_the_right_password_gets_in(app, client):
    app.extensions[THROTTLE] = LoginThrottle(free=4, step_s=0.1, max_delay_s=0.4)
    # 4 failures from each of 3 addresses: each stays under its own limit (5 a minute)
    for i in range(12):
        assert attempt(client, "wrong-password", f"10.0.0.{i % 3}")[0] == 401
    status, took = attempt(client, "still-wrong", "10.0.1.1")   # a new client: slowed too
    assert status == 401 and took >= 0.4
    status, took = attempt(client, PASSWORD, "10.0.1.2")        # the right password: slowed, let in
    assert status == 200 and 0.4 <= took < 3


def test_password_checks_do_not_stall_the_gevent_hub():
    """In the gevent worker a ~100 ms scrypt check on the hub froze every socket for as long."""
    script = textwrap.dedent("""
        from gevent import monkey; monkey.patch_all()
        import gevent, time
        from tests.gateway.conftest import ALIAS, PASSWORD, make_settings
        from gateway_svc.app import create_app
        client = create_app(make_settings(), start_stream=False).test_client()
        gaps, stop = [], []
        def tick():
            last = time.perf_counter()
            while not stop:
                gevent.sleep(0.005)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now
        ticker = gevent.spawn(tick)
        gevent.sleep(0.05)
        t0 = time.perf_counter()
        for i in range(4):
            body = {"deviceId": ALIAS, "password": PASSWORD if i % 2 else "wrong-one"}
            client.post("/api/auth/login", json=body, headers={"X-Forwarded-For": f"10.9.0.{i}"})
        took = time.perf_counter() - t0
        stop.append(1)
        ticker.join()
        print(f"{took:.3f} {max(gaps):.3f}")
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    took, worst_gap = map(float, out.stdout.split()[-2:])
    print(f"\n4 logins took {took * 1000:.0f} ms; the hub's longest stall {worst_gap * 1000:.0f} ms")
    assert took > 0.2                             # the checks really ran (scrypt, ~100 ms each)
    assert worst_gap < 0.06
