"""Fixtures for automation_svc: a fake clock, a recording sender, engines and a Flask client
wired to them (no threads, no network), plus helpers to build frames."""
from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from automation_svc.app import create_app
from automation_svc.clock import FakeClock
from automation_svc.engine import Engine
from automation_svc.service import AutomationService
from automation_svc.store import StateStore
from devicecloud.rest import CloudError
from devicecloud.settings import Settings, load_settings

IST = ZoneInfo("Asia/Kolkata")
PASSWORD = "correct-horse-9"
# The last JSON line of the customer brief (an outlet frame without `ts`).
BRIEF_FRAME = {
    "imei": "000000000000000", "d": "BTTE1250002", "meter": 2, "offline": 0,
    "date": "2025-12-06,17:48:08", "d38": 19, "d39": 22, "d40": 23, "device_type": 1,
    "s1": 77, "s2": 77, "s3": 0, "d1": 41, "d2": 46, "d3": 96, "d4": 81, "d5": 28, "d6": 62,
    "d7": 24, "d8": 90, "d9": 43, "d10": 26, "d11": 95, "d12": 11, "d13": 25, "d14": 75,
    "d15": 70, "d16": 32, "d17": 92, "d18": 90, "i1": 1, "i2": 1, "i3": 0, "i4": 0, "i5": 0,
    "i6": 0, "i7": 0, "i8": 0, "i9": 0, "i10": 0,
}


def ist(*args: int) -> float:
    """Epoch seconds of an Asia/Kolkata wall time, e.g. ist(2025, 12, 6, 17, 48, 8)."""
    return datetime(*args, tzinfo=IST).timestamp()


def frame(clock: FakeClock, skew_s: float = 0.0, **values: float) -> dict:
    """A frame stamped `now` by the unit's clock (which runs `skew_s` ahead of ours)."""
    relays = {f"i{n}": 0 for n in range(1, 9)}
    return {**BRIEF_FRAME, **relays, "ts": int(clock.wall() + skew_s), **values}


class RecordingSender:
    """Stands in for CloudClient.command: records bodies; can fail the next N calls."""

    def __init__(self) -> None:
        self.calls: list[dict[str, int]] = []
        self.fail_next = 0

    def __call__(self, values: dict[str, int]) -> dict:
        self.calls.append(dict(values))
        if self.fail_next:
            self.fail_next -= 1
            raise CloudError("device cloud returned 503 (command)", 503)
        return {"ok": True}

    def relay_calls(self) -> list[dict[str, int]]:
        return [c for c in self.calls if "i11" not in c]

    def display_calls(self) -> list[dict[str, int]]:
        return [c for c in self.calls if "i11" in c]


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(**overrides) -> Settings:
        base = dict(admin_password=PASSWORD, jwt_secret=secrets.token_urlsafe(48),
                    state_file=tmp_path / "state.json", min_dwell_s=0, command_timeout_s=60,
                    display_interval_s=10, display_max_age_s=120, http_retries=0,
                    cloud_rest_url="http://127.0.0.1:9", cloud_ws_url="ws://127.0.0.1:9/production")
        return load_settings(**{**base, **overrides})
    return make


@pytest.fixture
def settings(make_settings) -> Settings:
    return make_settings()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(wall=ist(2025, 12, 6, 17, 48, 8))


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def make_engine(clock, sender) -> Callable[[Settings], Engine]:
    def make(settings: Settings) -> Engine:
        return Engine(settings, StateStore(settings.state_file, wall=clock.wall), sender, clock)
    return make


@pytest.fixture
def engine(make_engine, settings) -> Engine:
    return make_engine(settings)


@pytest.fixture
def service(settings, clock, sender) -> AutomationService:
    return AutomationService(settings, clock=clock, sender=sender, with_stream=False)


@pytest.fixture
def app(settings, service):
    app = create_app(settings, service=service, start=False)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(client) -> dict[str, str]:
    r = client.post("/api/automation/auth/login",
                    json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": PASSWORD})
    assert r.status_code == 200, r.get_json()
    return {"Authorization": f"Bearer {r.get_json()['access_token']}"}
