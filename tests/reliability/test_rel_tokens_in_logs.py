"""SPEC 11: a token travels only in the Authorization header, and no log line (nginx's access
log, either service's log) holds a token, a socket ticket or a one-time download id."""
from __future__ import annotations

import json
import time
from datetime import date, timedelta

import websocket

from tests.eventually import eventually

from .conftest import bearer


def test_no_log_line_holds_a_token_a_ticket_or_a_download_id(rel_stack):
    s = rel_stack
    ws_base = s.url.replace("http", "ws", 1)
    token = s.login()
    assert s.get("/api/config", headers=bearer(token)).status_code == 200
    # A token in the URL is refused everywhere (today's browsers never send one; old ones did).
    for path in ("/api/config", "/api/live", "/api/automation/relays"):
        r = s.http.get(f"{s.url}{path}?token={token}", timeout=10)
        assert r.status_code == 401, (path, r.status_code)
    refused = websocket.create_connection(f"{ws_base}/api/ws?token={token}", timeout=10)
    assert "ticket" in json.loads(refused.recv())["error"]
    refused.close()

    # The socket opens with a one-time ticket; the same ticket again is refused.
    ticket = s.post("/api/ws-ticket", headers=bearer(token)).json()["ticket"]
    ws = websocket.create_connection(f"{ws_base}/api/ws?ticket={ticket}", timeout=10)
    assert json.loads(ws.recv())["type"] == "status"
    ws.close()
    again = websocket.create_connection(f"{ws_base}/api/ws?ticket={ticket}", timeout=10)
    assert "used" in json.loads(again.recv())["error"]
    again.close()

    # A one-time download: used once, then gone. The stack's 1 s cloud read timeout can cut the
    # simulator's first build of a day on a loaded machine (the sim caches it after): a new link
    # is then asked for, as a person would press Download again. Every id must stay out of the logs.
    day = (date.today() - timedelta(days=1)).isoformat()
    download_ids: list[str] = []

    def downloaded() -> str | None:
        link = s.post(f"/api/report-link?startDate={day}&endDate={day}", headers=bearer(token))
        assert link.status_code == 200, link.text
        url = link.json()["url"]
        download_ids.append(url.rsplit("/", 1)[1])
        return url if s.http.get(s.url + url, timeout=30).status_code == 200 else None
    url = eventually(downloaded, 60, 0.5, "a report download")
    assert s.http.get(s.url + url, timeout=30).status_code == 404

    time.sleep(0.5)                               # let the services' log lines reach their files
    logs = {name: path.read_text(errors="replace") for name, path in s.logs.items()}
    logs["nginx"] = (s.stack.run_dir / "logs" / "nginx.log").read_text(errors="replace")
    # the requests were logged, as path only
    assert "/api/ws-ticket" in logs["nginx"] and "GET /api/ws " in logs["nginx"]
    assert logs["nginx"].count("/api/download/- ") >= 2
    assert "/api/download/- " in logs["gateway"]
    signature = token.rsplit(".", 1)[1]
    for name, text in logs.items():
        for what, secret in (("token", token), ("token signature", signature), ("ticket", ticket),
                             *(("download id", d) for d in download_ids)):
            assert secret not in text, f"the {name} log holds a {what}"
