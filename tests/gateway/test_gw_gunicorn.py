"""Production shape: gunicorn, ONE gevent worker, against the simulator, many browser sockets.

XO2_GW_SOCKETS raises the socket count (1000 is the target; the suite uses fewer for time).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests
import websocket

from devicecloud.sim import SimServer
from scripts.stack import free_port
from tests.eventually import eventually

from .conftest import ALIAS, PASSWORD, REAL

ROOT = Path(__file__).resolve().parents[2]
SOCKETS = int(os.environ.get("XO2_GW_SOCKETS", "200"))


def test_gevent_worker_serves_api_and_fans_out(tmp_path):
    """`python -m gateway_svc`: service_kit.serve runs gunicorn with one gevent worker."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with SimServer(period=0.5, device_id=REAL, port=0) as sim:
        env = {**os.environ, "XO2_CLOUD_REST_URL": sim.rest_url, "XO2_CLOUD_WS_URL": sim.ws_url,
               "XO2_DEVICE_ID": REAL, "XO2_DEVICE_ALIAS": ALIAS, "XO2_ADMIN_PASSWORD": PASSWORD,
               "XO2_JWT_SECRET": "g" * 48, "XO2_DEV": "0", "XO2_GATEWAY_BIND": f"127.0.0.1:{port}",
               "XO2_HISTORY_DIR": str(tmp_path / "history"), "XO2_HISTORY_BACKFILL_DAYS": "0"}
        proc = subprocess.Popen([sys.executable, "-m", "gateway_svc"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        socks: list[websocket.WebSocket] = []
        try:
            eventually(lambda: requests.get(f"{base}/api/health", timeout=1).json()["status"] == "ok", 20, 0.2,
                       "the gateway healthy under gunicorn")
            token = requests.post(f"{base}/api/auth/login", timeout=5,
                                  json={"deviceId": ALIAS, "password": PASSWORD}).json()["access_token"]
            live = requests.get(f"{base}/api/live", headers={"Authorization": f"Bearer {token}"},
                                timeout=5).json()
            assert live["online"] is True and live["frame"]["d"] == ALIAS

            for _ in range(SOCKETS):
                ticket = requests.post(f"{base}/api/ws-ticket", timeout=5,
                                       headers={"Authorization": f"Bearer {token}"}).json()["ticket"]
                socks.append(websocket.create_connection(f"ws://127.0.0.1:{port}/api/ws?ticket={ticket}",
                                                         timeout=20))
            assert sim.state.sockets == 1                  # still ONE upstream socket
            t0 = time.time()
            for ws in socks:                               # a frame newer than t0 reaches every one
                while True:
                    msg = json.loads(ws.recv())
                    if msg["type"] == "deviceData" and msg["data"]["ts"] > int(t0):
                        assert msg["deviceId"] == ALIAS
                        break
            print(f"\ngunicorn/gevent: {SOCKETS} browser sockets got a fresh frame "
                  f"within {time.time() - t0:.1f} s (client-side reading included)")
        finally:
            for ws in socks:
                ws.close()
            proc.terminate()
            out = proc.communicate(timeout=15)[0]
        assert "Booting worker" in out and "Traceback" not in out, out[-3000:]


def test_wsgi_module_exposes_an_app_built_from_the_environment(sim, monkeypatch, tmp_path):
    """`gunicorn -k gevent -w 1 gateway_svc.wsgi:app` imports this module in the worker."""
    for key, value in {"XO2_CLOUD_REST_URL": sim.rest_url, "XO2_CLOUD_WS_URL": sim.ws_url,
                       "XO2_ADMIN_PASSWORD": PASSWORD, "XO2_JWT_SECRET": "w" * 48,
                       "XO2_DEVICE_ID": REAL, "XO2_DEVICE_ALIAS": ALIAS,
                       "XO2_HISTORY_DIR": str(tmp_path / "history"), "XO2_HISTORY_BACKFILL_DAYS": "0"}.items():
        monkeypatch.setenv(key, value)
    sys.modules.pop("gateway_svc.wsgi", None)
    import gateway_svc.wsgi as wsgi
    gw = wsgi.app.extensions["xo2_gateway"]
    try:
        eventually(lambda: gw.hub.has_frame, 10, what="a first frame")
        assert wsgi.app.test_client().get("/api/health").get_json()["status"] == "ok"
    finally:
        gw.stream.stop()
        wsgi.app.extensions["xo2_history_jobs"].stop()
        sys.modules.pop("gateway_svc.wsgi", None)
