"""Every byte for a browser goes through one path: a slow browser with pings both ways (the
server's keepalive pings and its pongs to the browser's pings, written by simple-websocket's
own thread) still gets every frame intact, while the publisher writes frames in parts."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import websocket

from gateway_svc.gateway import EXTENSION
from tests.eventually import eventually

from .conftest import cloud_frame


def test_frames_stay_intact_for_a_slow_browser_with_pings(app, serve, token):
    # A server ping every 2 s: the test reads until one has come through between the frames.
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
    counts = {"frames": 0, "pongs": 0, "pings": 0}

    def read_one() -> bool:
        """Read one frame as a slow browser does (eventually()'s interval is its slowness);
        enough once frames, pongs and the server's ping have all come through intact."""
        # websocket-client raises on a bad opcode/length; a split frame breaks the JSON
        try:
            opcode, frame = ws.recv_data_frame(True)
            msg = json.loads(frame.data.decode()) if opcode == websocket.ABNF.OPCODE_TEXT else None
        except (websocket.WebSocketException, ValueError) as err:
            pytest.fail(f"corrupted stream after {counts['frames']} frames: {str(err)[:60]}")
        if msg is not None:
            if msg["type"] not in ("status", "deviceData"):
                pytest.fail(f"unexpected message {str(msg)[:60]}")
            counts["frames"] += 1
        elif opcode in (websocket.ABNF.OPCODE_PONG, websocket.ABNF.OPCODE_PING):
            counts["pongs" if opcode == websocket.ABNF.OPCODE_PONG else "pings"] += 1
        else:
            pytest.fail(f"unexpected opcode {opcode}: {frame.data[:40]!r}")
        return counts["frames"] > 50 and counts["pongs"] > 10 and counts["pings"] >= 1

    try:
        eventually(read_one, 20, 0.01, "frames, pongs and a server ping, all intact")
    finally:
        done.set()
        for t in workers:
            t.join(5)
        ws.close()
    frames, pongs, pings = counts["frames"], counts["pongs"], counts["pings"]
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
