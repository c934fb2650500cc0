"""SPEC 11: the gateway follows the cloud's report link only to an allowed host, never through a
redirect; a refused link is a 502 JSON error without the link, and an entry in automation_svc's
audit log. Every address here is loopback: 127.0.0.2 plays the host the console must never
touch (a metadata service, an internal API), 127.0.0.3 an allowed store that redirects."""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import responses
from flask_jwt_extended import create_access_token

from automation_svc.app import create_app as create_automation
from automation_svc.service import AutomationService
from gateway_svc.app import create_app
from tests.eventually import eventually
from tests.gateway.conftest import (ALIAS, CLOUD, PASSWORD, REAL, REPORT_URL, S3_LINK, make_settings,
                                    report_body)

CSV = '"ts","d"\n"1764949464","BTTE1250001"\n'
SECRET_PATH = "/latest/meta-data/iam/security-credentials/role"


class Recorder(ThreadingHTTPServer):
    """A real HTTP server on a loopback address that records every request it gets."""

    def __init__(self, host: str, redirect_to: str | None = None) -> None:
        self.paths: list[str] = []
        self.redirect_to = redirect_to
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:          # noqa: N802 (http.server's name)
                recorder.paths.append(self.path)
                if recorder.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", recorder.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = b'"secret"\n"AKIA-instance-role-key"\n'
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        super().__init__((host, 0), Handler)
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}{path}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def untrusted() -> Iterator[Recorder]:
    server = Recorder("127.0.0.2")
    yield server
    server.stop()


@pytest.fixture
def automation(tmp_path, serve):
    """automation_svc for real (no threads), so the audit entry is checked where it is kept."""
    settings = make_settings(state_file=tmp_path / "state.json")
    app = create_automation(settings, service=AutomationService(settings, with_stream=False), start=False)
    return app, serve(app)


def gateway(automation, **overrides):
    _, server = automation
    app = create_app(make_settings(automation_url=server.http, **overrides), start_stream=False)
    client = app.test_client()
    token = client.post("/api/auth/login", json={"deviceId": ALIAS, "password": PASSWORD}).get_json()
    return client, {"Authorization": f"Bearer {token['access_token']}"}


def audit_entries(automation, what: str, count: int = 1, timeout: float = 5) -> list[dict]:
    """automation's audit entries of one kind, once `count` have arrived (reports are async)."""
    app, _ = automation
    with app.app_context():
        auth = {"Authorization": "Bearer " + create_access_token(identity="admin")}

    def found() -> list[dict]:
        entries = app.test_client().get("/api/automation/audit?limit=50", headers=auth).get_json()["entries"]
        got = [e for e in entries if e["what"] == what]
        assert len(got) >= count, got
        return got
    return eventually(found, timeout, what=f"{count} {what!r} audit entries")


def assert_refused(resp, reason: str) -> None:
    assert resp.status_code == 502
    error = resp.get_json()["error"]
    assert reason in error and "does not follow" in error
    for leak in ("127.0.0", "http:", "https:", "169.254", REAL, "AKIA", "Signature", "meta-data"):
        assert leak not in error


def test_a_link_to_a_host_not_allowed_is_refused_unfetched_and_audited(cloud, untrusted, automation):
    cloud.add_passthru("http://127.0.0.2")        # so today's code would really reach it
    cloud.add(responses.GET, REPORT_URL, json=report_body(link=untrusted.url(SECRET_PATH)))
    client, auth = gateway(automation)
    assert_refused(client.get("/api/report.csv?startDate=2025-12-01&endDate=2025-12-02", headers=auth),
                   "host not in XO2_REPORT_HOSTS")
    # the page's path refuses at link time, before a download id exists
    r = client.post("/api/report-link?startDate=2025-12-01&endDate=2025-12-02", headers=auth)
    assert_refused(r, "host not in XO2_REPORT_HOSTS")
    assert untrusted.paths == []
    entries = audit_entries(automation, "report link", count=2)
    assert len(entries) == 2
    for e in entries:
        assert (e["who"], e["why"], e["result"]) == (
            "system", "from the cloud: host not in XO2_REPORT_HOSTS", "refused")
        assert "127.0.0.2" not in json.dumps(e)


def test_a_metadata_address_is_never_requested(cloud, automation):
    # `responses` answers instead of the network: a call here would be counted, never sent.
    metadata = cloud.add(responses.GET, "http://169.254.169.254" + SECRET_PATH, body="secret")
    metadata_tls = cloud.add(responses.GET, "https://169.254.169.254" + SECRET_PATH, body="secret")
    link = ["", ""]
    cloud.add_callback(responses.GET, REPORT_URL,
                       callback=lambda _req: (200, {}, json.dumps(report_body(link=link[0]))))
    # even `*` never matches an address
    client, auth = gateway(automation, report_hosts="*.s3.amazonaws.com,*")
    for link[0], reason in [("http://169.254.169.254" + SECRET_PATH, "not https"),
                            ("https://169.254.169.254" + SECRET_PATH, "host not in XO2_REPORT_HOSTS"),
                            ("https://devicedatalongterm.s3.amazonaws.com@169.254.169.254" + SECRET_PATH,
                             "not a valid https link")]:
        assert_refused(client.get("/api/report.csv?startDate=2025-12-01&endDate=2025-12-02", headers=auth),
                       reason)
    assert metadata.call_count == 0 and metadata_tls.call_count == 0
    assert len(audit_entries(automation, "report link", count=3)) == 3


@pytest.mark.parametrize("host", ["2852039166", "0xa9fea9fe", "0251.0376.0251.0376", "169.254.43518",
                                  "169.254.169.254.", "[::ffff:a9fe:a9fe]", "[::ffff:169.254.169.254]"])
def test_no_spelling_of_the_metadata_address_passes_a_broad_pattern(cloud, automation, host):
    """Issue 21 (8): with `*`, numeric spellings passed as host names and were fetched."""
    fetched = cloud.add(responses.GET, f"https://{host}{SECRET_PATH}", body="secret")
    cloud.add(responses.GET, REPORT_URL, json=report_body(link=f"https://{host}{SECRET_PATH}"))
    client, auth = gateway(automation, report_hosts="*,*.amazonaws.com")
    assert_refused(client.get("/api/report.csv?startDate=2025-12-01&endDate=2025-12-02", headers=auth),
                   "host not in XO2_REPORT_HOSTS")
    assert fetched.call_count == 0


def test_a_redirect_from_an_allowed_host_is_refused_not_followed(cloud, untrusted, automation):
    store = Recorder("127.0.0.3", redirect_to=untrusted.url(SECRET_PATH))
    try:
        cloud.add_passthru("http://127.0.0.2")
        cloud.add_passthru("http://127.0.0.3")
        cloud.add(responses.GET, REPORT_URL, json=report_body(link=store.url("/athena-results/x.csv")))
        client, auth = gateway(automation, report_hosts="127.0.0.3")
        assert_refused(client.get("/api/report.csv?startDate=2025-12-01&endDate=2025-12-02",
                                  headers=auth), "a redirect")
        assert store.paths == ["/athena-results/x.csv"]      # asked once: allowed
        assert untrusted.paths == []                          # the redirect was not followed
        [entry] = audit_entries(automation, "report link")
        assert entry["why"] == "from the cloud: a redirect"
    finally:
        store.stop()


def test_an_allowed_s3_link_still_downloads(cloud, automation):
    bodies = iter([report_body(), report_body(link="https://evil.example/x.csv")])
    cloud.add_callback(responses.GET, REPORT_URL, callback=lambda _req: (200, {}, json.dumps(next(bodies))))
    cloud.add(responses.GET, S3_LINK.split("?")[0], body=CSV, content_type="text/csv")
    client, auth = gateway(automation)
    r = client.get("/api/report.csv?startDate=2025-12-01&endDate=2025-12-02", headers=auth)
    assert r.status_code == 200 and ALIAS in r.get_data(as_text=True)
    # A refused link after it: once its entry is in, the allowed one would have been too.
    r = client.get("/api/report.csv?startDate=2025-12-03&endDate=2025-12-04", headers=auth)
    assert r.status_code == 502
    assert [e["why"] for e in audit_entries(automation, "report link")] == [
        "from the cloud: host not in XO2_REPORT_HOSTS"]


def test_the_clouds_own_origin_may_serve_its_reports(sim, automation):
    """The simulator serves report links from its own (loopback) origin: allowed by default."""
    client, auth = gateway(automation, cloud_rest_url=sim.rest_url)
    r = client.get("/api/report.csv?startDate=2025-12-01&endDate=2025-12-01", headers=auth)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    assert CLOUD not in r.get_data(as_text=True)
