"""WebSocket /api/ws on a real server: auth, fan-out of the one upstream socket, slow clients."""
from __future__ import annotations

import json
import socket
import struct
import threading

import requests
import websocket

from gateway_svc.app import create_app
from gateway_svc.gateway import EXTENSION
from tests.eventually import eventually

from .conftest import ALIAS, cloud_frame, make_settings, recv_json, recv_until


def read_close(ws: websocket.WebSocket) -> tuple[int, str]:
    while True:
        opcode, frame = ws.recv_data_frame(True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return struct.unpack("!H", frame.data[:2])[0], frame.data[2:].decode()


def test_bad_tickets_get_an_error_and_close_4401(app, serve, token):
    server = serve(app)
    used = server.ticket(token)
    server.ws_ticket(used).close()
    cases = [(None, "missing"), ("", "missing"), ("not-a-ticket", "invalid"), (used, "used"),
             (token, "invalid")]                          # a JWT is not a ticket
    for bad, word in cases:
        ws = server.ws_ticket(bad)
        msg = recv_json(ws)
        assert msg["type"] == "error" and word in msg["error"]
        code, reason = read_close(ws)
        assert code == 4401 and word in reason
        ws.close()
    eventually(lambda: app.extensions[EXTENSION].hub.subscribers == 0, 5, what="refused sockets forgotten")


def test_three_browsers_get_every_aliased_frame_from_one_upstream_socket(sim, serve, token):
    app = create_app(make_settings(cloud_rest_url=sim.rest_url, cloud_ws_url=sim.ws_url))
    gw = app.extensions[EXTENSION]
    try:
        server = serve(app)
        browsers = [server.ws(token) for _ in range(3)]
        for ws in browsers:
            first = recv_json(ws)
            assert first["type"] == "status" and set(first["upstream"]) == {
                "socket_connected", "last_frame_age_s", "state", "last_frame_at"}
        seen = []
        for ws in browsers:
            frames = []
            while len(frames) < 5:
                raw = ws.recv()
                assert "BTTE" not in raw
                msg = json.loads(raw)
                if msg["type"] == "deviceData":
                    assert msg["deviceId"] == ALIAS
                    assert msg["data"]["d"] == msg["data"]["deviceId"] == ALIAS
                    frames.append(msg["data"]["ts"])
            seen.append(set(frames))
        assert seen[0] & seen[1] & seen[2]         # the same upstream frames reached all three
        assert sim.state.sockets == 1              # ONE upstream socket for all browsers
        assert gw.hub.subscribers == 3

        # upstream drop: every browser hears about the disconnect and the reconnect
        requests.post(f"{sim.rest_url}/__sim/drop", timeout=5)
        for ws in browsers:
            down = recv_until(ws, lambda m: m["type"] == "status"
                              and not m["upstream"]["socket_connected"])
            assert down["upstream"]["last_frame_age_s"] is not None
            recv_until(ws, lambda m: m["type"] == "status" and m["upstream"]["socket_connected"])
            recv_until(ws, lambda m: m["type"] == "deviceData")
        for ws in browsers:
            ws.close()
        eventually(lambda: gw.hub.subscribers == 0, 10, what="closed browsers forgotten")
    finally:
        gw.stream.stop()


def test_a_slow_browser_does_not_delay_the_others(app, serve, token):
    """An ordering property, not a stopwatch: with one browser stuck, publishing returns at once
    (its outbox drops the oldest instead of waiting), and every other browser gets each frame
    before the next one is even published."""
    gw = app.extensions[EXTENSION]
    server = serve(app)
    # A browser that never reads, with a tiny receive buffer: its socket fills up quickly.
    slow = server.ws(token, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    fast = [server.ws(token) for _ in range(3)]
    markers = 20
    received: list[list[int]] = [[] for _ in fast]
    synced = [threading.Event() for _ in fast]

    def read(i: int, ws: websocket.WebSocket) -> None:
        while len(received[i]) < markers:
            data = json.loads(ws.recv()).get("data") or {}
            if data.get("sync"):
                synced[i].set()
            if "marker" in data:
                received[i].append(data["marker"])

    readers = [threading.Thread(target=read, args=(i, ws), daemon=True) for i, ws in enumerate(fast)]
    for t in readers:
        t.start()
    eventually(lambda: gw.hub.subscribers == 4, 5, what="four browsers subscribed")

    # 1. big frames until the slow browser's socket is full and its outbox overflows
    pad, ts = "x" * 32_768, 1764949464

    def overflowed() -> bool:
        nonlocal ts
        ts += 1
        gw.hub.on_frame(cloud_frame(ts, pad=pad))
        return gw.hub.dropped_total() > 0
    eventually(overflowed, 20, 0.002, "the slow browser falling behind")
    gw.hub.on_frame(cloud_frame(ts, sync=True))      # let the fast ones finish the big backlog
    assert all(e.wait(10) for e in synced)

    # 2. with it stuck, each new frame reaches the others before the next is published
    for k in range(markers):
        dropped = gw.hub.dropped_total()
        gw.hub.on_frame(cloud_frame(ts + 1 + k, marker=k))     # returned: it did not wait for `slow`
        assert gw.hub.dropped_total() > dropped                # `slow` lost its oldest instead
        eventually(lambda: all(len(got) > k for got in received), 10, 0.002, f"frame {k} at every fast browser")
    for t in readers:
        t.join(10)
    assert received == [list(range(markers))] * len(fast)
    for ws in fast + [slow]:
        ws.close()
