"""The browser socket's one-time ticket (SPEC 8, 11): no JWT in a URL, a ticket works once
within 30 s, and the socket closes with 4401 when the login behind it expires."""
from __future__ import annotations

import time
from datetime import timedelta

import websocket
from flask_jwt_extended import create_access_token

from gateway_svc.routes_ws import TICKETS
from gateway_svc.ws_tickets import WsTickets

from .conftest import FakeClock, recv_json
from .test_gw_ws import read_close


def test_a_ticket_needs_a_valid_login(app, client, token):
    with app.app_context():
        expired = create_access_token("admin", expires_delta=timedelta(seconds=-1))
    for headers in ({}, {"Authorization": "Bearer not-a-jwt"},
                    {"Authorization": f"Bearer {expired}"}):
        resp = client.post("/api/ws-ticket", headers=headers)
        assert resp.status_code == 401 and "log in" in resp.get_json()["error"]
    assert client.post(f"/api/ws-ticket?token={token}").status_code == 401
    resp = client.post("/api/ws-ticket", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["expires_in"] == 30 and len(body["ticket"]) >= 32 and "." not in body["ticket"]


def test_a_ticket_opens_one_socket_once(app, serve, token):
    server = serve(app)
    ticket = server.ticket(token)
    ws = server.ws_ticket(ticket)
    assert recv_json(ws)["type"] == "status"
    again = server.ws_ticket(ticket)
    assert "used" in recv_json(again)["error"] and read_close(again)[0] == 4401
    ws.close()
    again.close()


def test_a_jwt_in_the_socket_url_is_refused(app, serve, token):
    server = serve(app)
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/api/ws?token={token}", timeout=5)
    assert recv_json(ws)["type"] == "error"
    assert read_close(ws)[0] == 4401
    ws.close()


def test_a_ticket_is_worthless_after_30_s(app, serve, token):
    clock = FakeClock()
    app.extensions[TICKETS] = WsTickets(timer=clock)
    server = serve(app)
    ticket = server.ticket(token)
    clock.advance(31)
    ws = server.ws_ticket(ticket)
    assert "invalid" in recv_json(ws)["error"] and read_close(ws)[0] == 4401
    ws.close()


def test_the_socket_closes_4401_when_its_login_expires(app, serve):
    with app.app_context():
        short = create_access_token("admin", expires_delta=timedelta(seconds=2))
    server = serve(app)
    ws = server.ws(short, timeout=10)
    t0 = time.monotonic()
    assert recv_json(ws)["type"] == "status"
    msg = recv_json(ws)
    assert msg == {"type": "error", "error": "login expired: log in again"}
    code, reason = read_close(ws)
    assert code == 4401 and "expired" in reason
    assert time.monotonic() - t0 < 4          # at its exp, not at the next 5 s wake-up
    ws.close()
