"""Fixtures for gateway_svc tests: settings, the app with a mocked cloud (`responses`), a
fake cache clock, tokens, a real HTTP server for sockets, and the simulator."""
from __future__ import annotations

import csv
import io
import json
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import responses
import websocket
from flask import Flask
from werkzeug.serving import make_server

from devicecloud.settings import Settings, load_settings
from devicecloud.sim import SimServer, make_frame, report_csv_lines, rest_shape
from gateway_svc.app import create_app
from gateway_svc.gateway import EXTENSION, Gateway

REAL = "BTTE1250001"
SIBLING = "BTTE1250002"
ALIAS = "IOCL_XTRA_O2_ADMIN"
PASSWORD = "correct-horse-9"
CLOUD = "https://vtg0j85nv4.execute-api.us-east-1.amazonaws.com"
S3_LINK = ("https://devicedatalongterm.s3.amazonaws.com/athena-results/efce8e77.csv"
           "?AWSAccessKeyId=AKIAEXAMPLE&Signature=abc%2F&x-amz-security-token=tok&Expires=1764952585")
NOW = 1764949464
AUTOMATION = "http://127.0.0.1:9"      # nothing listens: login reports fail fast unless mocked


def make_settings(**overrides: Any) -> Settings:
    base = dict(cloud_rest_url=CLOUD, cloud_ws_url="ws://127.0.0.1:9/production",
                automation_url=AUTOMATION,
                device_id=REAL, device_alias=ALIAS, admin_password=PASSWORD,
                jwt_secret="t" * 48, dev=False, http_retries=0, http_timeout_s=5,
                frame_stale_s=60, cache_ttl_hour_s=30, cache_ttl_day_s=300, cache_ttl_week_s=900,
                history_dir=tempfile.mkdtemp(prefix="xo2-history-"))   # each app its own store
    base.update(overrides)
    return load_settings(**base)


class FakeClock:
    """The cache's timer: tests move time instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def cloud_frame(ts: int, device_id: str = REAL, **extra: Any) -> dict:
    """A frame in the cloud's REST shape (floats, imei 0.0), from the simulator's generator."""
    frame = rest_shape(make_frame(ts, {}, device_id))
    frame.update(extra)
    return frame


def graph_body(period: str, frames: list[dict], device_id: str = REAL) -> dict:
    ts = [f["ts"] for f in frames] or [NOW]
    return {"deviceId": device_id, "period": period, "count": len(frames),
            "startTime": int(min(ts)), "endTime": int(max(ts)), "data": frames}


def report_body(start: str = "2025-12-01", end: str = "2025-12-02", link: str = S3_LINK,
                record_count: int = 3) -> dict:
    return {"status": "success", "deviceId": REAL, "startDate": start, "endDate": end,
            "recordCount": record_count, "downloadUrl": link, "expiresIn": "1 hour"}


def sim_csv(start_ts: int, end_ts: int, step: int = 10) -> str:
    return "".join(report_csv_lines(REAL, start_ts, end_ts, step=step))


def day_bounds(day: date, tz: Any, days: int = 1) -> tuple[int, int]:
    start = datetime.combine(day, time(0), tz)
    return int(start.timestamp()), int((start + timedelta(days=days)).timestamp())


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cloud() -> Iterator[responses.RequestsMock]:
    """The device cloud's REST API, mocked; unmatched calls fail like a dead network."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://127.0.0.1")
        yield mock


@pytest.fixture
def app(settings: Settings, clock: FakeClock, cloud: responses.RequestsMock) -> Flask:
    return create_app(settings, start_stream=False, timer=clock)


@pytest.fixture
def gw(app: Flask) -> Gateway:
    return app.extensions[EXTENSION]


@pytest.fixture
def client(app: Flask):
    return app.test_client()


def login(client) -> str:
    resp = client.post("/api/auth/login", json={"deviceId": ALIAS, "password": PASSWORD})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()["access_token"]


@pytest.fixture(scope="session")
def token() -> str:
    """One real login per session (scrypt is slow); every test app shares the JWT secret."""
    return login(create_app(make_settings(), start_stream=False).test_client())


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def graph_url(period: str) -> str:
    return f"{CLOUD}/device/{REAL}/graph/{period}"


REPORT_URL = f"{CLOUD}/device/{REAL}/report"


def mock_report(cloud: responses.RequestsMock, csv_text: str, status: int = 200):
    """The cloud's report call and its pre-signed CSV link (an S3 XML error unless 200)."""
    # recordCount as the cloud counts it (the history store checks the rows against it)
    count = len(parse_csv(csv_text)) if status == 200 else 3
    report = cloud.add(responses.GET, REPORT_URL, json=report_body(record_count=count))
    link = cloud.add(responses.GET, S3_LINK.split("?")[0], body=csv_text, status=status,
                     content_type="text/csv" if status == 200 else "application/xml")
    return report, link


class LiveServer:
    """The app on a real threaded werkzeug server (127.0.0.1, free port) for WebSockets."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ticket(self, token: str) -> str:
        """A one-time socket ticket for token (POST /api/ws-ticket, through the test client:
        `responses` may be mocking every HTTP request of the test)."""
        resp = self.app.test_client().post("/api/ws-ticket",
                                           headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return resp.get_json()["ticket"]

    def ws(self, token: str, timeout: float = 5, **kw: Any) -> websocket.WebSocket:
        """A browser socket, opened the way the page does: a ticket for token, then /api/ws."""
        return self.ws_ticket(self.ticket(token), timeout, **kw)

    def ws_ticket(self, ticket: str | None, timeout: float = 5, **kw: Any) -> websocket.WebSocket:
        query = "" if ticket is None else f"?ticket={ticket}"
        return websocket.create_connection(f"ws://127.0.0.1:{self.port}/api/ws{query}",
                                           timeout=timeout, **kw)

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(2)
        self.server.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Flask], LiveServer]]:
    servers: list[LiveServer] = []

    def start(app: Flask) -> LiveServer:
        servers.append(LiveServer(app))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()


@pytest.fixture
def sim() -> Iterator[SimServer]:
    with SimServer(period=0.1, command_delay=0.2, device_id=REAL, port=0) as server:
        yield server


def recv_json(ws: websocket.WebSocket) -> dict:
    return json.loads(ws.recv())


def recv_until(ws: websocket.WebSocket, pred: Callable[[dict], bool], limit: int = 200) -> dict:
    for _ in range(limit):
        msg = recv_json(ws)
        if pred(msg):
            return msg
    raise AssertionError("expected message never came")
