"""GET /api/graph/<period> and /api/channels: aliasing, TTL cache, single-flight, stale."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import responses

from devicecloud.channels import channel_map

from .conftest import ALIAS, NOW, REAL, SIBLING, cloud_frame, graph_body, graph_url


def add_graph(cloud, period="hour", status=200, frames=None, delay=0.0):
    frames = frames if frames is not None else [cloud_frame(NOW - 20), cloud_frame(NOW - 10)]
    body = graph_body(period, frames)

    def reply(request):
        time.sleep(delay)
        import json
        return status, {}, json.dumps(body if status == 200 else {"message": "Internal server error"})
    return cloud.add_callback(responses.GET, graph_url(period), callback=reply)


def test_config_gives_the_alias_and_the_units_time_zone(client, auth):
    assert client.get("/api/config").status_code == 401
    assert client.get("/api/config", headers=auth).get_json() == {"deviceId": ALIAS, "timezone": "Asia/Kolkata",
                                                                       "siteName": ALIAS}


def test_channels_is_the_shared_channel_map(client, auth):
    resp = client.get("/api/channels", headers=auth)
    assert resp.status_code == 200 and resp.get_json() == channel_map()


def test_graph_is_aliased_in_the_clouds_shape(client, auth, cloud):
    frames = [cloud_frame(NOW - 10, d=SIBLING, deviceId=REAL, note=f"via {REAL}")]
    cloud.add(responses.GET, graph_url("day"), json=graph_body("day", frames))
    resp = client.get("/api/graph/day", headers=auth)
    assert resp.status_code == 200 and resp.headers["X-Cache"] == "miss"
    body = resp.get_json()
    assert body["deviceId"] == ALIAS and body["period"] == "day" and body["stale"] is False
    frame = body["data"][0]
    assert frame["d"] == frame["deviceId"] == ALIAS and frame["note"] == f"via {ALIAS}"
    assert frame["d1"] == frames[0]["d1"] and frame["i1"] == frames[0]["i1"]
    assert "BTTE" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("period,ttl", [("hour", 30), ("day", 300), ("week", 900)])
def test_each_period_is_cached_for_its_ttl(client, auth, cloud, clock, period, ttl):
    call = add_graph(cloud, period)
    assert client.get(f"/api/graph/{period}", headers=auth).headers["X-Cache"] == "miss"
    clock.advance(ttl - 1)
    assert client.get(f"/api/graph/{period}", headers=auth).headers["X-Cache"] == "hit"
    assert call.call_count == 1
    clock.advance(2)
    assert client.get(f"/api/graph/{period}", headers=auth).headers["X-Cache"] == "miss"
    assert call.call_count == 2


def test_fifty_parallel_misses_make_one_cloud_call(app, auth, cloud):
    call = add_graph(cloud, "week", delay=0.5)
    start = threading.Barrier(50)

    def fetch(_):
        start.wait()
        resp = app.test_client().get("/api/graph/week", headers=auth)
        return resp.status_code, resp.headers["X-Cache"], resp.get_json()["count"]

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(fetch, range(50)))
    assert call.call_count == 1
    assert {r[0] for r in results} == {200} and {r[2] for r in results} == {2}
    assert all(r[1] in ("miss", "hit") for r in results)


def test_cloud_5xx_serves_the_last_good_value_as_stale(client, auth, cloud, clock, gw):
    good = add_graph(cloud, "hour")
    first = client.get("/api/graph/hour", headers=auth).get_json()
    cloud.remove(good)
    bad = add_graph(cloud, "hour", status=500)
    clock.advance(31)
    resp = client.get("/api/graph/hour", headers=auth)
    assert resp.status_code == 200 and resp.headers["X-Cache"] == "stale"
    body = resp.get_json()
    assert body["stale"] is True and body["data"] == first["data"]
    assert gw.upstream.last_error == "device cloud returned 500 (graph/hour)"
    # held briefly: a failing cloud is not asked again on every request
    assert client.get("/api/graph/hour", headers=auth).headers["X-Cache"] == "stale"
    assert bad.call_count == 1
    # ... and it recovers by itself
    cloud.remove(bad)
    add_graph(cloud, "hour")
    clock.advance(gw.graph_cache.error_hold_s + 1)
    resp = client.get("/api/graph/hour", headers=auth)
    assert resp.headers["X-Cache"] == "miss" and resp.get_json()["stale"] is False
    assert gw.upstream.last_error is None


def test_nothing_cached_and_cloud_down_is_a_clear_502(client, auth, cloud):
    add_graph(cloud, "day", status=503)
    resp = client.get("/api/graph/day", headers=auth)
    assert resp.status_code == 502 and resp.headers["X-Cache"] == "miss"
    assert resp.get_json() == {"error": "device cloud returned 503 (graph/day)"}


def test_unreachable_and_malformed_cloud_are_502(client, auth, cloud):
    # no mock registered for week: responses refuses the connection
    assert client.get("/api/graph/week", headers=auth).get_json() == {
        "error": "device cloud unreachable (graph/week)"}
    cloud.add(responses.GET, graph_url("day"), body="{not json")
    assert client.get("/api/graph/day", headers=auth).status_code == 502


@pytest.mark.parametrize("period", ["month", "HOUR", REAL, "hour%20"])
def test_unknown_period_is_400(client, auth, period):
    resp = client.get(f"/api/graph/{period}", headers=auth)
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "unknown period; use one of: hour, day, week"
