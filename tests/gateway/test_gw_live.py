"""GET /api/live, /api/health and /api/metrics from the LiveHub's point of view."""
from __future__ import annotations

import time

import responses
from prometheus_client.parser import text_string_to_metric_families

from .conftest import ALIAS, REAL, cloud_frame, graph_body, graph_url


def test_live_bootstraps_from_the_newest_graph_hour_frame(client, auth, cloud):
    now = int(time.time())
    frames = [cloud_frame(now - 30), cloud_frame(now - 10), cloud_frame(now - 20)]
    call = cloud.add(responses.GET, graph_url("hour"), json=graph_body("hour", frames))
    body = client.get("/api/live", headers=auth).get_json()
    assert body["deviceId"] == ALIAS and body["ts"] == now - 10
    assert body["frame"]["d"] == ALIAS and body["frame"]["d1"] == frames[1]["d1"]
    # shown, but not fresh: when it reached the cloud is unknown (the unit's ts is no clock)
    assert body["age_s"] is None and body["stale"] is True and body["online"] is False
    client.get("/api/live", headers=auth)
    assert call.call_count == 1               # the bootstrap goes through the hour cache


def test_live_prefers_socket_frames_and_reports_online(client, auth, gw, cloud):
    now = int(time.time())
    gw.hub.on_status(True, "subscribed")
    gw.hub.on_frame(dict(cloud_frame(now - 2), offline=0))
    body = client.get("/api/live", headers=auth).get_json()
    assert body["online"] is True and body["stale"] is False and body["ts"] == now - 2
    assert len(cloud.calls) == 0              # no bootstrap needed
    gw.hub.on_frame(dict(cloud_frame(now - 1), offline=1.0))
    assert client.get("/api/live", headers=auth).get_json()["online"] is False


def test_live_without_any_frame_is_stale_not_an_error(client, auth, cloud):
    cloud.add(responses.GET, graph_url("hour"), status=500)
    resp = client.get("/api/live", headers=auth)
    assert resp.status_code == 200
    assert resp.get_json() == {"deviceId": ALIAS, "ts": None, "age_s": None, "state": "offline",
                               "last_frame_at": None, "online": False, "stale": True,
                               "stale_after_s": 25, "late_after_s": 25, "offline_after_s": 120, "frame": None}


def test_a_frame_that_arrived_long_ago_is_stale(client, auth, gw, settings):
    gw.hub.on_status(True, "subscribed")
    gw.hub.on_frame(cloud_frame(int(time.time())))
    gw.hub.clock = lambda: time.monotonic() + settings.frame_stale_s + 5
    body = client.get("/api/live", headers=auth).get_json()
    assert body["stale"] is True and body["online"] is False and body["age_s"] > settings.frame_stale_s


def test_health_needs_no_login_and_says_why_it_is_degraded(client, gw, cloud):
    body = client.get("/api/health").get_json()
    assert body == {"status": "degraded", "upstream": {
        "socket_connected": False, "last_frame_age_s": None, "last_cloud_error": None},
        "history": {"ok": True, "error": None}}
    gw.hub.on_status(True, "subscribed")
    gw.hub.on_frame(cloud_frame(int(time.time())))
    assert client.get("/api/health").get_json()["status"] == "ok"
    # a failed cloud call degrades it, with a message that names no URL
    cloud.add(responses.GET, graph_url("week"), status=504)
    token = client.post("/api/auth/login", json={"deviceId": ALIAS, "password": "correct-horse-9"}
                        ).get_json()["access_token"]
    client.get("/api/graph/week", headers={"Authorization": f"Bearer {token}"})
    body = client.get("/api/health").get_json()
    assert body["status"] == "degraded"
    assert body["upstream"]["last_cloud_error"] == "device cloud returned 504 (graph/week)"
    gw.hub.on_status(False, "socket closed")
    assert client.get("/api/health").get_json()["upstream"]["socket_connected"] is False


def test_metrics_are_prometheus_text_scraped_without_login(client, gw):
    gw.hub.on_status(True, "subscribed")
    gw.hub.on_frame(cloud_frame(int(time.time())))
    client.get("/api/health")
    resp = client.get("/api/metrics")   # bound internally: nginx never forwards it
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    text = resp.get_data(as_text=True)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for fam in text_string_to_metric_families(text) for s in fam.samples}
    assert samples[("xo2_frames_total", ())] == 1
    assert samples[("xo2_upstream_socket_connected", ())] == 1
    assert samples[("xo2_ws_clients", ())] == 0
    assert samples[("xo2_cache_requests_total", (("cache", "graph"), ("result", "hit")))] == 0
    assert REAL not in text
