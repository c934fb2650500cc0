"""WebSocket /api/ws: the live stream for browsers, and POST /api/ws-ticket to open it.

Browsers cannot set headers on a WebSocket and a JWT in a URL ends up in logs, so the page
first trades its bearer token for a one-time ticket (ws_tickets.py) and connects with
?ticket=. A missing, unknown or used ticket gets an error message and close code 4401 (the
page then asks to log in again); so does a socket whose login expires while it is open.
Otherwise the socket receives `status` messages and every aliased `deviceData` frame from
its own outbox in the LiveHub; this loop is the only thing a slow browser slows.

Every byte for a browser goes through its outbox, simple-websocket's own pings, pongs and
close frames included (`_OutboxSocket`): the publisher may write the start of a frame and
this loop the rest, and a pong written in between would corrupt the stream.
"""
from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_jwt_extended import get_jwt, verify_jwt_in_request
from flask_sock import ConnectionClosed, Sock

from . import gateway
from .auth import require_login
from .live import Subscriber
from .ws_tickets import WsTickets

CLOSE_UNAUTHORIZED = 4401
WAKE_S = 5.0          # how often an idle socket loop checks that its browser is still there
PING_S = 25.0         # keeps nginx and NAT from closing idle browser sockets
TICKETS = "xo2_ws_tickets"

bp = require_login(Blueprint("gw_ws", __name__, url_prefix="/api"))


def tickets() -> WsTickets:
    return current_app.extensions[TICKETS]


@bp.post("/ws-ticket")
def ws_ticket() -> Response:
    # require_login has checked the token (and may have skipped decoding a remembered one):
    # decode it here for its exp; this route is called once per socket (re)connect.
    verify_jwt_in_request()
    ticket = tickets().issue(float(get_jwt()["exp"]))
    return jsonify(ticket=ticket, expires_in=int(tickets().ttl_s))


def _discard_incoming(ws: Any) -> None:
    # Browsers have nothing to say here; drop what they send so it cannot pile up. Looking at
    # the buffer first: receive(timeout=0) on an empty one costs a timer every time.
    while ws.input_buffer:
        ws.receive(timeout=0)


_FRAMES: dict[str, bytes] = {}
_FRAMES_MAX = 8


def _frame(message: str | bytes) -> bytes:
    """The WebSocket text frame for message (server frames are unmasked; no extension is
    negotiated, see register()), built once and sent as is to every browser. Bytes are
    already frames (simple-websocket's control frames, or the rest of a started one)."""
    if isinstance(message, bytes):
        return message
    frame = _FRAMES.get(message)
    if frame is None:
        payload = message.encode()
        n = len(payload)
        if n < 126:
            head = bytes((0x81, n))
        elif n < 1 << 16:
            head = bytes((0x81, 126)) + n.to_bytes(2, "big")
        else:
            head = bytes((0x81, 127)) + n.to_bytes(8, "big")
        frame = head + payload
        if len(_FRAMES) >= _FRAMES_MAX:
            _FRAMES.clear()
        _FRAMES[message] = frame
    return frame


def _direct_writer(ws: Any, raw: socket.socket) -> Callable[[str | bytes], bytes | None]:
    """Writes a message to the browser's socket from the publisher, without ever waiting:
    returns None when all of it went (or the socket is gone), else the bytes left over.
    The outbox calls it only while it is idle, so nothing else is writing."""
    # gevent's send() waits when the socket is full unless told timeout=0.0.
    no_wait = {"timeout": 0.0} if type(raw).__module__.startswith("gevent") else {}

    def write(message: str | bytes) -> bytes | None:
        if not ws.connected and isinstance(message, str):
            return None                    # a closing socket still gets its close frame
        frame = _frame(message)
        try:
            n = raw.send(frame, socket.MSG_DONTWAIT, **no_wait)
        except (BlockingIOError, InterruptedError):
            n = 0
        except OSError:
            return None                    # gone: the socket's own loop finds out and leaves
        return None if n == len(frame) else frame[n:]
    return write


class _OutboxSocket:
    """Stands in for ws.sock while the browser is subscribed: what simple-websocket writes
    (ping, pong, close) joins the browser's outbox, in order with the frames, instead of
    going straight to the socket. Reads, fileno() and the rest go to the real socket."""

    def __init__(self, raw: socket.socket, sub: Subscriber) -> None:
        self._raw = raw
        self._sub: Subscriber | None = sub
        self.close_requested = False

    def send(self, data: bytes, *_: Any) -> int:
        sub = self._sub
        if sub is None:                     # the loop has ended: nothing else writes now
            self._raw.sendall(data)
        else:
            sub.put(bytes(data))
        return len(data)

    def sendall(self, data: bytes, *_: Any) -> None:
        self.send(data)

    def close(self) -> None:
        # simple-websocket closes the socket right after queueing its last frame (the reply
        # to the browser's close): the loop sends what is queued first, then closes.
        sub = self._sub
        if sub is None:
            self._raw.close()
        else:
            self.close_requested = True
            sub.wake()

    def detach(self) -> list[str | bytes]:
        """Write straight to the socket from now on; returns what is still queued."""
        sub, self._sub = self._sub, None
        return sub.drain(0) if sub is not None else []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


def _refuse(ws: Any, problem: str) -> None:
    ws.send(json.dumps({"type": "error", "error": problem}))
    ws.close(reason=CLOSE_UNAUTHORIZED, message=problem)


def _serve(ws: Any, login_exp: float) -> None:
    """Send the browser its outbox until it leaves, or its login expires (then 4401)."""
    hub = gateway.current().hub
    raw = ws.sock
    sub = hub.subscribe(_direct_writer(ws, raw))
    outbox = ws.sock = _OutboxSocket(raw, sub)
    try:
        while ws.connected:
            left = login_exp - time.time()
            if left <= 0:
                problem = "login expired: log in again"
                sub.put(json.dumps({"type": "error", "error": problem}))
                ws.close(reason=CLOSE_UNAUTHORIZED, message=problem)   # queued after it
            for item in sub.drain(min(WAKE_S, max(left, 0.0))):
                raw.sendall(_frame(item))
            sub.sent()
            _discard_incoming(ws)
    except (ConnectionClosed, OSError):
        pass                              # the browser went away
    finally:
        hub.unsubscribe(sub)
        try:
            for item in outbox.detach():  # e.g. the close frames queued as the loop ended
                raw.sendall(_frame(item))
        except OSError:
            pass
        if outbox.close_requested:
            raw.close()
        ws.sock = raw


def register(app: Flask) -> None:
    app.config.setdefault("SOCK_SERVER_OPTIONS", {"ping_interval": PING_S,
                                                  "max_message_size": 4096})
    app.extensions[TICKETS] = WsTickets()
    app.register_blueprint(bp)
    sock = Sock(app)

    # Browsers offer permessage-deflate and simple-websocket accepts it: a zlib state per
    # socket (~120 KB: +120 MB at 1000 browsers) and a compression per frame per browser.
    # Frames are ~1.5 KB every 10 s, so /api/ws declines it and sends one pre-built frame.
    # A WSGI wrapper, not a before_request hook: it then costs the other routes nothing.
    inner = app.wsgi_app

    def no_ws_compression(environ: dict, start_response: Callable) -> Any:
        if environ.get("PATH_INFO") == "/api/ws":
            environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return inner(environ, start_response)
    app.wsgi_app = no_ws_compression

    @sock.route("/api/ws")
    def browser_socket(ws: Any) -> None:
        ticket = request.args.get("ticket")
        if not ticket:
            return _refuse(ws, "missing ticket: get one from POST /api/ws-ticket")
        login_exp = tickets().take(ticket)
        if login_exp is None:
            return _refuse(ws, "invalid or used ticket: log in again")
        if login_exp <= time.time():
            return _refuse(ws, "login expired: log in again")
        _serve(ws, login_exp)
