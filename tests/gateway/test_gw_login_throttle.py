"""The login's gate and global failure cap (SPEC 11, issue 21): an attempt is counted before its
check, one per client is in flight, a bounded queue answers 429 beyond it; many failures from
many clients slow every attempt, never lock out the right password; password checks run off
the gevent hub."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from service_kit.auth import GATE, THROTTLE
from service_kit.login_throttle import BUSY, IN_FLIGHT, TOO_MANY, LoginGate, LoginThrottle, Refused

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


def refusal(fn, *args) -> tuple[str, int]:
    try:
        fn(*args)
    except Refused as r:
        return str(r), r.retry_after_s
    raise AssertionError("not refused")


def test_an_attempt_is_counted_before_its_check_and_one_per_client_is_in_flight():
    clock = FakeClock()
    gate = LoginGate(3, 60, clock=clock)
    gate.admit("10.0.0.1")
    # While its first attempt is being checked, the same client is refused at once, uncounted.
    assert refusal(gate.admit, "10.0.0.1") == (IN_FLIGHT, 1)
    gate.admit("10.0.0.2")                                    # another client is not
    gate.done("10.0.0.1", queued=False, refund=False)         # a failure: it stays counted
    gate.done("10.0.0.2", queued=False, refund=True)          # a right password: given back
    for _ in range(2):
        gate.admit("10.0.0.1")
        gate.done("10.0.0.1", queued=False, refund=False)
    clock.advance(15)
    assert refusal(gate.admit, "10.0.0.1") == (TOO_MANY, 45)  # 3 counted: until the window ends
    for _ in range(5):                                       # successes never use up the limit
        gate.admit("10.0.0.2")
        gate.done("10.0.0.2", queued=False, refund=True)
    clock.advance(45)
    gate.admit("10.0.0.1")                                    # a new window


def test_the_check_queue_is_bounded_and_a_refusal_gives_the_place_back():
    gate = LoginGate(5, 60, queue_max=2, clock=FakeClock())
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        gate.admit(ip)
    gate.queue()
    gate.queue()
    assert refusal(gate.queue) == (BUSY, 1)
    gate.done("10.0.0.3", queued=False, refund=True)          # refused: no check, not counted
    gate.done("10.0.0.1", queued=True, refund=False)
    assert gate.queued() == 1
    gate.admit("10.0.0.3")
    gate.queue()
    assert gate.queued() == 2


def test_the_gate_remembers_only_clients_with_failures_counted():
    gate = LoginGate(5, 60, clock=FakeClock())
    for i in range(10_000):
        gate.admit(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}")
        gate.done(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}", queued=False, refund=True)
    assert gate._windows == {}


def test_a_refused_login_is_a_json_429_with_retry_after(app, client):
    app.extensions[GATE] = gate = LoginGate(5, 60, queue_max=0)
    status = attempt(client, "wrong-password", "10.0.3.1")
    resp = client.post("/api/auth/login", json={"deviceId": ALIAS, "password": PASSWORD},
                       headers={"X-Forwarded-For": "10.0.3.1"})
    assert status == resp.status_code == 429 and int(resp.headers["Retry-After"]) == 1
    assert resp.get_json() == {"error": BUSY}
    assert gate._windows == {} and gate.queued() == 0         # no check ran: nothing counted
    gate.queue_max = 1
    assert attempt(client, PASSWORD, "10.0.3.1") == 200


def attempt(client, password: str, ip: str) -> int:
    resp = client.post("/api/auth/login", json={"deviceId": ALIAS, "password": password},
                       headers={"X-Forwarded-For": ip})
    return resp.status_code


def test_failures_from_many_clients_slow_every_attempt_but_the_right_password_gets_in(app, client):
    waits: list[float] = []                     # what each attempt waited (the sleep is the test's)
    app.extensions[THROTTLE] = LoginThrottle(free=4, step_s=0.1, max_delay_s=0.4, clock=FakeClock(),
                                             sleep=waits.append)
    # 4 failures from each of 3 addresses: each stays under its own limit (5 a minute)
    for i in range(12):
        assert attempt(client, "wrong-password", f"10.0.0.{i % 3}") == 401
    assert waits == pytest.approx([0.1, 0.2, 0.3, 0.4, 0.4, 0.4, 0.4])   # past 4 failures, capped
    assert attempt(client, "still-wrong", "10.0.1.1") == 401    # a new client: slowed too
    assert attempt(client, PASSWORD, "10.0.1.2") == 200         # the right password: slowed, let in
    assert waits[-2:] == [0.4, 0.4]


def test_password_checks_do_not_stall_the_gevent_hub():
    """In the gevent worker a ~100 ms scrypt check on the hub froze every socket for as long.
    An ordering property, not a stopwatch: a greenlet ticking every 5 ms keeps ticking WHILE each
    check runs (on the hub it could not tick once: the hub would be inside the check)."""
    script = textwrap.dedent("""
        from gevent import monkey; monkey.patch_all()
        import gevent
        import service_kit.auth as auth
        from tests.gateway.conftest import ALIAS, PASSWORD, make_settings
        from gateway_svc.app import create_app
        client = create_app(make_settings(), start_stream=False).test_client()
        ticks, during, stop = [0], [], []
        real_check = auth.check_password_hash
        def check(pw_hash, password):
            before = ticks[0]
            ok = real_check(pw_hash, password)
            during.append(ticks[0] - before)
            return ok
        auth.check_password_hash = check
        def tick():
            while not stop:
                gevent.sleep(0.005)
                ticks[0] += 1
        ticker = gevent.spawn(tick)
        gevent.sleep(0.05)
        codes = []
        for i in range(4):
            body = {"deviceId": ALIAS, "password": PASSWORD if i % 2 else "wrong-one"}
            codes.append(client.post("/api/auth/login", json=body, headers={"X-Forwarded-For": f"10.9.0.{i}"}).status_code)
        stop.append(1)
        ticker.join()
        print(codes, during)
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    codes, during = out.stdout.strip().splitlines()[-1].split("] [")
    print(f"\nticks of the hub during each of 4 password checks: [{during}")
    assert codes + "]" == "[401, 200, 401, 200]"              # the checks really ran
    assert all(int(n) > 0 for n in during.rstrip("]").split(", ")), during
