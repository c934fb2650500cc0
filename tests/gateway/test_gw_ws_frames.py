"""Every byte for a browser goes through one path: a slow browser with pings both ways (the
server's keepalive pings and its pongs to the browser's pings, written by simple-websocket's
own thread) still gets every frame intact, while the publisher writes frames in parts."""
from __future__ import annotations

import json
import socket
import threading
import time

import websocket

from gateway_svc.gateway import EXTENSION

from .conftest import cloud_frame


def test_frames_stay_intact_for_a_slow_browser_with_pings(app, serve, token):
    # One server ping (at 2 s) within the test, and its pong is not due before the end.
    app.config["SOCK_SERVER_OPTIONS"] = {"ping_interval": 2.0, "max_message_size": 4096}
    gw = app.extensions[EXTENSION]
    server = serve(app)
    # A small receive buffer: the publisher's non-blocking writes go out in parts.
    ws = server.ws(token, timeout=10, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    done = threading.Event()

    def publish() -> None:
        ts = 1764949464
        while not done.is_set():
            ts += 1
            gw.hub.on_frame(cloud_frame(ts, pad="x" * 30_000))
            time.sleep(0.002)

    def ping() -> None:
        while not done.is_set():
            try:
                ws.ping(b"p")
            except Exception:
                return
            time.sleep(0.001)

    workers = [threading.Thread(target=publish, daemon=True), threading.Thread(target=ping, daemon=True)]
    for t in workers:
        t.start()
    frames, pongs, pings = 0, 0, 0
    deadline = time.monotonic() + 3.5
    try:
        while time.monotonic() < deadline:
            # websocket-client raises on a bad opcode/length; a split frame breaks the JSON
            try:
                opcode, frame = ws.recv_data_frame(True)
                msg = json.loads(frame.data.decode()) if opcode == websocket.ABNF.OPCODE_TEXT else None
            except (websocket.WebSocketException, ValueError) as err:
                raise AssertionError(f"corrupted stream after {frames} frames: {str(err)[:60]}")
            if msg is not None:
                assert msg["type"] in ("status", "deviceData")
                frames += 1
                time.sleep(0.01)                     # a slow browser
            elif opcode == websocket.ABNF.OPCODE_PONG:
                pongs += 1
            elif opcode == websocket.ABNF.OPCODE_PING:
                pings += 1
            else:
                raise AssertionError(f"unexpected opcode {opcode}: {frame.data[:40]!r}")
    finally:
        done.set()
        for t in workers:
            t.join(5)
        ws.close()
    print(f"\nslow browser: {frames} frames, {pongs} pongs, {pings} pings, all intact")
    assert frames > 50 and pongs > 10


def test_a_browser_closing_gets_the_close_reply(app, serve, token):
    # simple-websocket's reply to a close now goes through the outbox too: it must still go out
    server = serve(app)
    for _ in range(3):
        ws = server.ws(token)
        assert json.loads(ws.recv())["type"] == "status"
        ws.send_close(1000, b"bye")
        opcode, frame = ws.recv_data_frame(True)
        while opcode != websocket.ABNF.OPCODE_CLOSE:
            opcode, frame = ws.recv_data_frame(True)
        assert int.from_bytes(frame.data[:2], "big") == 1000
        ws.shutdown()
