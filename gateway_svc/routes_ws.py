"""WebSocket /api/ws: the live stream for browsers (token as ?token=, browsers cannot set
headers on a WebSocket).

A bad token gets an error message and close code 4401 (the page then asks to log in
again). After that the socket receives `status` messages and every aliased `deviceData`
frame from its own outbox in the LiveHub; this loop is the only thing a slow browser slows.
"""
from __future__ import annotations

import json
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
    # Browsers have nothing to say here; drop what they send so it cannot pile up.
    while ws.receive(timeout=0) is not None:
        pass


def register(app: Flask) -> None:
    app.config.setdefault("SOCK_SERVER_OPTIONS", {"ping_interval": PING_S,
                                                  "max_message_size": 4096})
    sock = Sock(app)

    @sock.route("/api/ws")
    def browser_socket(ws: Any) -> None:
        problem = token_error(request.args.get("token"))
        if problem:
            ws.send(json.dumps({"type": "error", "error": problem}))
            ws.close(reason=CLOSE_UNAUTHORIZED, message=problem)
            return
        hub = gateway.current().hub
        sub = hub.subscribe()
        try:
            while ws.connected:
                for message in sub.drain(WAKE_S):
                    ws.send(message)
                _discard_incoming(ws)
        except (ConnectionClosed, OSError):
            pass                          # the browser went away
        finally:
            hub.unsubscribe(sub)
