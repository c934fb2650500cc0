"""Property tests of every gateway_svc route from its OpenAPI document (schemathesis, Flask
test client, `responses` at the cloud edge on a loopback URL): every case generated from
/api/openapi.json, valid or not, gives no 5xx, a status, content type and body the document
allows; a 4xx is JSON naming the problem and costs no cloud call and no cache change; and no
reply, good or bad, carries the real device id or an AWS link. Beside it, what the document
cannot generate: garbage tokens and methods, and the one-time download link's life."""
from __future__ import annotations

import json
import re
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlparse
from zoneinfo import ZoneInfo

import pytest
import responses
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case

from devicecloud.settings import load_settings
from devicecloud.sim import make_frame, report_csv_lines, rest_shape
from gateway_svc.app import create_app
from gateway_svc.contract import OPENAPI_PATH
from gateway_svc.gateway import EXTENSION

from .conftest import ALIAS, JWT_SECRET, PASSWORD, REAL, bearer, mint_token
from .openapi_cases import run_contract

pytestmark = pytest.mark.timeout(120)
FUZZ = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CLOUD = "http://127.0.0.1:9"          # never reached: `responses` answers for it
IST = ZoneInfo("Asia/Kolkata")
FORBIDDEN = ("btte", "amazonaws", "awsaccesskeyid", "x-amz-", "athena-results", "akia")


def _graph(request):
    period = request.url.rsplit("/", 1)[-1]
    now = int(time.time())
    frames = [rest_shape(make_frame(now - 30 * k, {}, REAL)) for k in range(5)]
    return 200, {}, json.dumps({"deviceId": REAL, "period": period, "count": 5, "startTime": now - 3600,
                                "endTime": now, "data": frames})


def _report(request):
    q = parse_qs(urlparse(request.url).query)
    start, end = q["startDate"][0], q["endDate"][0]
    link = (f"{CLOUD}/athena-results/{start}_{end}.csv?AWSAccessKeyId=AKIAEXAMPLE1234567890"
            f"&Signature=abc&x-amz-security-token=tok&Expires=1")
    rows = _csv_text(start, end).count("\n") - 1       # the history store checks recordCount
    return 200, {}, json.dumps({"status": "success", "deviceId": REAL, "startDate": start, "endDate": end,
                                "recordCount": rows, "downloadUrl": link, "expiresIn": "1 hour"})


def _csv_text(start: str, end: str) -> str:
    t0 = int(datetime.fromisoformat(start).replace(tzinfo=IST).timestamp())
    t1 = min(int(datetime.fromisoformat(end).replace(tzinfo=IST).timestamp()) + 86399, int(time.time()))
    step = max(3600, (t1 - t0) // 400)
    return "".join(report_csv_lines(REAL, t0, max(t0, t1), step=step))


def _csv(request):
    start, end = urlparse(request.url).path.rsplit("/", 1)[-1].removesuffix(".csv").split("_")
    return 200, {"Content-Type": "text/csv"}, _csv_text(start, end)


class Gw:
    def __init__(self, mock: responses.RequestsMock) -> None:
        self.mock = mock
        settings_ = load_settings(cloud_rest_url=CLOUD, cloud_ws_url="ws://127.0.0.1:9/production",
                                  device_id=REAL, device_alias=ALIAS, admin_password=PASSWORD,
                                  jwt_secret=JWT_SECRET, dev=False, http_retries=0, http_timeout_s=2,
                                  history_dir=tempfile.mkdtemp(prefix="xo2-fuzz-history-"))
        self.app = create_app(settings_, start_stream=False)
        self.gw = self.app.extensions[EXTENSION]
        self.client = self.app.test_client()
        self.auth = bearer(mint_token())
        self.seen: Counter[tuple[str, int]] = Counter()

    def cloud_calls(self) -> int:
        """Calls to the cloud (not the gateway's login reports to automation_svc)."""
        return sum(1 for c in self.mock.calls if c.request.url.startswith(CLOUD + "/"))

    def caches(self) -> tuple:
        return (dict(self.gw.graph_cache.counts), dict(self.gw.history_cache.counts))

    def request(self, method: str, path: str, route: str, headers: dict | None = None, **kw: Any):
        calls, caches = self.cloud_calls(), self.caches()
        resp = self.client.open(path, method=method, headers=self.auth if headers is None else headers, **kw)
        body = resp.get_data()                        # runs streamed bodies (CSV) to the end
        self.seen[(route, resp.status_code)] += 1
        assert resp.status_code < 500, (method, path, resp.status_code, body[:300])
        text = (body.decode("utf-8", "replace") + "\n".join(f"{k}: {v}" for k, v in resp.headers.items())).lower()
        assert not [w for w in FORBIDDEN if w in text], (path, text[:300])
        if resp.status_code >= 400:
            err = resp.get_json(silent=True)
            assert isinstance(err, dict) and isinstance(err.get("error"), str) and err["error"], body[:200]
            assert self.cloud_calls() == calls, f"{path} -> {resp.status_code} still called the cloud"
            assert self.caches() == caches, f"{path} -> {resp.status_code} touched a cache"
        return resp


@pytest.fixture(scope="module")
def gw():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, re.compile(rf"{re.escape(CLOUD)}/device/{REAL}/graph/\w+"), callback=_graph)
        mock.add_callback(responses.GET, re.compile(rf"{re.escape(CLOUD)}/device/{REAL}/report\b.*"), callback=_report)
        mock.add_callback(responses.GET, re.compile(rf"{re.escape(CLOUD)}/athena-results/.*"), callback=_csv)
        yield Gw(mock)


@pytest.fixture(scope="module")
def gw_contract(gw):
    return schemathesis.openapi.from_wsgi(OPENAPI_PATH, gw.app, headers=gw.auth)


def test_contract(gw, gw_contract):
    def send(case: Case):
        kw = case.as_transport_kwargs(headers=gw.auth)
        route = case.operation.path
        resp = gw.request(kw.pop("method"), kw.pop("path"), route, **kw)
        if route == "/api/report.csv" and resp.status_code == 200:
            lines = resp.get_data(as_text=True).splitlines()
            assert lines[0].startswith('"d","deviceId"')
            assert all(line.startswith(f'"{ALIAS}","{ALIAS}"') for line in lines[1:])
        return resp
    run_contract(gw_contract, send)


today = datetime.now(IST).date()


def query(**days: date) -> str:
    return urlencode({k: v.isoformat() for k, v in days.items()})


def test_report_link_and_one_time_download(gw):
    """The web page's download: a link for a range, then the link itself (without login),
    once; a second use is a 404 that never reaches the cloud."""
    for start, end in [(today, today), (today - timedelta(days=3), today - timedelta(days=1))]:
        resp = gw.request("POST", "/api/report-link?" + query(startDate=start, endDate=end), "/api/report-link")
        assert resp.status_code == 200
        url = resp.get_json()["url"]
        assert url.startswith("/api/download/")
        got = gw.request("GET", url, "/api/download/{key}", headers={})
        assert got.status_code == 200 and got.mimetype == "text/csv"
        assert gw.request("GET", url, "/api/download/{key}", headers={}).status_code == 404     # used


latin1 = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=60)


@settings(FUZZ, max_examples=80)
@given(path=st.sampled_from(["/api/live", "/api/channels", "/api/graph/hour", "/api/health", "/api/metrics",
                             "/api/history?start=2025-12-01&end=2025-12-01", "/api/nope", "/api/auth/login"]),
       method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
       auth=st.sampled_from(["good", "none"]) | latin1, token=st.none() | latin1)
def test_methods_and_tokens(gw, path, method, auth, token):
    headers = {"good": gw.auth, "none": {}}.get(auth, {"Authorization": auth})
    if token is not None:
        path += ("&" if "?" in path else "?") + "token=" + quote(token, safe="")
    gw.request(method, path, "methods", headers=headers)


def test_fuzzing_reached_the_real_paths_too(gw):
    """Runs last: the generated cases got past validation too, not only into the 4xx paths."""
    reached = set(gw.seen)
    for want in [("/api/graph/{period}", 200), ("/api/graph/{period}", 400), ("/api/history", 200),
                 ("/api/history", 400), ("/api/report.csv", 200), ("/api/report.csv", 400),
                 ("/api/report-link", 200), ("/api/report-link", 400), ("/api/download/{key}", 200),
                 ("/api/download/{key}", 404), ("/api/auth/login", 400), ("/api/auth/login", 401),
                 ("/api/live", 200), ("/api/ws-ticket", 200), ("methods", 200), ("methods", 401),
                 ("methods", 405)]:
        assert want in reached, (want, sorted(reached))
