"""WebSocket /api/ws: the live stream for browsers (token as ?token=, browsers cannot set
headers on a WebSocket).

A bad token gets an error message and close code 4401 (the page then asks to log in
again). After that the socket receives `status` messages and every aliased `deviceData`
frame from its own outbox in the LiveHub; this loop is the only thing a slow browser slows.
"""
from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any

from flask import Flask, request
from flask_jwt_extended import decode_token
from flask_sock import ConnectionClosed, Sock
from jwt import ExpiredSignatureError

from . import gateway

CLOSE_UNAUTHORIZED = 4401
WAKE_S = 5.0          # how often an idle socket loop checks that its browser is still there
PING_S = 25.0         # keeps nginx and NAT from closing idle browser sockets


def token_error(token: str | None) -> str | None:
    """Why the token is unacceptable, or None when it is a valid access token."""
    if not token:
        return "missing token: log in first"
    try:
        claims = decode_token(token)
    except ExpiredSignatureError:
        return "token expired: log in again"
    except Exception:   # bad signature, garbage, missing claims: all just "invalid"
        return "invalid token: log in again"
    if claims.get("type") != "access":
        return "invalid token: log in again"
    return None


def _discard_incoming(ws: Any) -> None:
    # Browsers have nothing to say here; drop what they send so it cannot pile up. Looking at
    # the buffer first: receive(timeout=0) on an empty one costs a timer every time.
    while ws.input_buffer:
        ws.receive(timeout=0)


_FRAMES: dict[str, bytes] = {}
_FRAMES_MAX = 8


def _frame(message: str) -> bytes:
    """The WebSocket text frame for message (server frames are unmasked; no extension is
    negotiated, see register()), built once and sent as is to every browser."""
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


def _direct_writer(ws: Any) -> Callable[[str], bytes | None]:
    """Writes a message to the browser's socket from the publisher, without ever waiting:
    returns None when all of it went (or the socket is gone), else the bytes left over."""
    sock = ws.sock
    # gevent's send() waits when the socket is full unless told timeout=0.0.
    no_wait = {"timeout": 0.0} if type(sock).__module__.startswith("gevent") else {}

    def write(message: str) -> bytes | None:
        if not ws.connected:
            return None
        frame = _frame(message)
        try:
            n = sock.send(frame, socket.MSG_DONTWAIT, **no_wait)
        except (BlockingIOError, InterruptedError):
            n = 0
        except OSError:
            return None                    # gone: the socket's own loop finds out and leaves
        return None if n == len(frame) else frame[n:]
    return write


def register(app: Flask) -> None:
    app.config.setdefault("SOCK_SERVER_OPTIONS", {"ping_interval": PING_S,
                                                  "max_message_size": 4096})
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
        problem = token_error(request.args.get("token"))
        if problem:
            ws.send(json.dumps({"type": "error", "error": problem}))
            ws.close(reason=CLOSE_UNAUTHORIZED, message=problem)
            return
        hub = gateway.current().hub
        sub = hub.subscribe(_direct_writer(ws))
        try:
            while ws.connected:
                for item in sub.drain(WAKE_S):
                    if not ws.connected:
                        raise ConnectionClosed(ws.close_reason, ws.close_message)
                    ws.sock.sendall(item if isinstance(item, bytes) else _frame(item))
                sub.sent()
                _discard_incoming(ws)
        except (ConnectionClosed, OSError):
            pass                          # the browser went away
        finally:
            hub.unsubscribe(sub)
