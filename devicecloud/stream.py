"""WebSocket client for the cloud's live stream, kept connected for as long as the process runs.

API Gateway closes a socket after 10 min idle and any socket after 2 h, so the client sends
the subscribe message again as a keepalive, reconnects with backoff (re-subscribing), and
replaces the socket before the 2 h cap (make-before-break, so no frame gap).
"""
from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import Any

import websocket

from .settings import Settings

log = logging.getLogger(__name__)
FrameHandler = Callable[[dict], None]
StatusHandler = Callable[[bool, str], None]


class CloudStream:
    def __init__(self, settings: Settings, on_frame: FrameHandler,
                 on_status: StatusHandler | None = None, *,
                 backoff_initial_s: float = 1.0, recv_timeout_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.url = settings.cloud_ws_url
        self.device_id = settings.device_id
        self.keepalive_s = settings.ws_keepalive_s
        self.max_age_s = settings.ws_max_age_s
        self.backoff_max_s = settings.ws_backoff_max_s
        self.backoff_initial_s = backoff_initial_s
        self.recv_timeout_s = recv_timeout_s
        self.on_frame = on_frame
        self.on_status = on_status or (lambda connected, reason: None)
        self.clock = clock
        self.connected = False
        self.connects = 0           # successful (re)subscriptions, for health and metrics
        self.frames = 0
        self.keepalives = 0
        self.last_frame_at: float | None = None   # wall clock of the last frame
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ws: websocket.WebSocket | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "CloudStream":
        self._thread = threading.Thread(target=self._run, name="cloud-stream", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._close(self._ws)
        if self._thread:
            self._thread.join(timeout)

    # -- internals -------------------------------------------------------------------------
    def _subscribe_msg(self) -> str:
        return json.dumps({"action": "subscribe", "deviceId": self.device_id})

    def _open(self) -> websocket.WebSocket:
        ws = websocket.create_connection(self.url, timeout=10, enable_multithread=True)
        ws.send(self._subscribe_msg())
        ws.settimeout(self.recv_timeout_s)
        return ws

    @staticmethod
    def _close(ws: websocket.WebSocket | None) -> None:
        if ws is not None:
            try:
                ws.close(timeout=1)
            except Exception:  # closing a dead socket may raise anything; nothing to do
                pass

    def _set_connected(self, connected: bool, reason: str) -> None:
        if connected != self.connected:
            self.connected = connected
            log.info("cloud socket %s (%s)", "connected" if connected else "disconnected", reason)
            try:
                self.on_status(connected, reason)
            except Exception:
                log.exception("status handler failed")

    def _run(self) -> None:
        delay = self.backoff_initial_s
        while not self._stop.is_set():
            try:
                self._ws = self._open()
            except Exception as exc:
                self._set_connected(False, f"connect failed: {type(exc).__name__}")
                # Full jitter keeps many consoles from reconnecting in lockstep.
                self._stop.wait(random.uniform(delay / 2, delay))
                delay = min(delay * 2, self.backoff_max_s)
                continue
            self.connects += 1
            self._set_connected(True, "subscribed")
            delay = self.backoff_initial_s
            reason = self._pump()
            while reason == "renew" and not self._stop.is_set():
                reason = self._renew()
            self._close(self._ws)
            self._set_connected(False, reason)
            if not self._stop.is_set():
                self._stop.wait(random.uniform(0, self.backoff_initial_s))

    def _pump(self) -> str:
        """Receive until the socket fails or is due for renewal; returns why it ended."""
        opened = last_sent = self.clock()
        while not self._stop.is_set():
            now = self.clock()
            if now - opened >= self.max_age_s:
                return "renew"
            if now - last_sent >= self.keepalive_s:
                try:
                    self._ws.send(self._subscribe_msg())
                except Exception:
                    return "keepalive failed"
                self.keepalives += 1
                last_sent = now
            try:
                msg = self._ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except Exception as exc:
                return f"socket closed: {type(exc).__name__}"
            if not msg:  # the server closed the socket
                return "socket closed by cloud"
            self._handle(msg)
        return "stopped"

    def _renew(self) -> str:
        """Before the 2 h cap: open and subscribe a new socket, then drop the old one."""
        try:
            new = self._open()
        except Exception:
            return "renew failed"
        old, self._ws = self._ws, new
        self._close(old)
        self.connects += 1
        log.info("cloud socket renewed before the 2 h cap")
        return self._pump()

    def _handle(self, msg: str | bytes) -> None:
        try:
            body: Any = json.loads(msg)
        except ValueError:
            log.warning("ignored a non-JSON socket message (%d bytes)", len(msg))
            return
        if not isinstance(body, dict) or body.get("type") != "deviceData":
            return
        data = body.get("data")
        if not isinstance(data, dict):
            return
        if body.get("deviceId", self.device_id) != self.device_id:
            return
        self.frames += 1
        self.last_frame_at = time.time()
        try:
            self.on_frame(data)
        except Exception:
            log.exception("frame handler failed")
