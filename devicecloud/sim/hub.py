"""Live WebSocket side: subscribed sockets, per-socket send loops and the frame ticker.

Each socket has its own bounded outbox drained by its own (werkzeug request) thread, so
one stalled client never blocks the broadcaster or the other clients.
"""
from __future__ import annotations

import json
import queue
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import SimState

POLL_S = 0.05  # how often a socket loop checks for incoming messages / close requests
OUTBOX_MAX = 32  # a client this far behind loses its oldest frames
GOING_AWAY = 1001  # what API Gateway sends when it closes a socket


class Client:
    """One connected socket as the hub sees it."""

    def __init__(self) -> None:
        self.device_id: str | None = None
        self.sent = 0
        self.closing = threading.Event()
        self.thread = threading.current_thread()
        self._outbox: queue.Queue[str] = queue.Queue(maxsize=OUTBOX_MAX)

    def offer(self, message: str) -> None:
        """Queue without ever blocking the caller; drop the oldest frame when full."""
        while True:
            try:
                self._outbox.put_nowait(message)
                return
            except queue.Full:
                try:
                    self._outbox.get_nowait()
                except queue.Empty:
                    pass

    def next_message(self, timeout: float) -> str | None:
        try:
            return self._outbox.get(timeout=timeout)
        except queue.Empty:
            return None


class Hub:
    """Registry of open sockets and what they subscribed to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: set[Client] = set()
        self._frames_sent = 0

    def join(self, client: Client) -> None:
        with self._lock:
            self._clients.add(client)

    def leave(self, client: Client) -> None:
        with self._lock:
            self._clients.discard(client)

    def subscribe(self, client: Client, device_id: str) -> None:
        with self._lock:
            client.device_id = device_id

    def publish(self, device_id: str, message: str) -> int:
        """Offer one message to every socket subscribed to device_id; return how many."""
        with self._lock:
            targets = [c for c in self._clients if c.device_id == device_id]
        for client in targets:
            client.offer(message)
        return len(targets)

    def record_sent(self, client: Client) -> int:
        """Count a delivered frame; return the client's own total."""
        with self._lock:
            client.sent += 1
            self._frames_sent += 1
            return client.sent

    def drop_all(self) -> int:
        """Ask every socket to close (each loop notices within POLL_S)."""
        with self._lock:
            clients = list(self._clients)
        for client in clients:
            client.closing.set()
        return len(clients)

    def subscribed(self, device_id: str) -> int:
        with self._lock:
            return sum(c.device_id == device_id for c in self._clients)

    def connections(self) -> int:
        with self._lock:
            return len(self._clients)

    def threads(self) -> list[threading.Thread]:
        with self._lock:
            return [c.thread for c in self._clients]

    @property
    def frames_sent(self) -> int:
        with self._lock:
            return self._frames_sent

    def reset_counters(self) -> None:
        with self._lock:
            self._frames_sent = 0


def _subscription(raw: Any) -> str | None:
    """The device id of a subscribe message; anything else is ignored, as upstream does."""
    try:
        message = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if isinstance(message, dict) and message.get("action") == "subscribe":
        device_id = message.get("deviceId")
        return device_id if isinstance(device_id, str) else None
    return None


def _read_incoming(ws: Any, hub: Hub, client: Client) -> None:
    """Handle every message already received; raises ConnectionClosed once the peer is gone."""
    while (raw := ws.receive(timeout=0)) is not None:
        device_id = _subscription(raw)
        if device_id is not None:
            hub.subscribe(client, device_id)


def serve_socket(ws: Any, state: SimState) -> None:
    """Run one /production socket until the peer leaves, a fault drops it or the sim stops."""
    hub, client = state.hub, Client()
    hub.join(client)
    try:
        while not (client.closing.is_set() or state.stopping.is_set()):
            _read_incoming(ws, hub, client)
            message = client.next_message(POLL_S)
            if message is None:
                continue
            ws.send(message)
            sent = hub.record_sent(client)
            drop_every = state.faults.drop_every
            if drop_every and sent >= drop_every:
                break
        ws.close(reason=GOING_AWAY, message="Going away")
    except OSError:
        pass  # peer vanished mid-send; flask-sock tidies up
    finally:
        hub.leave(client)


class Broadcaster:
    """One ticker thread: every period, build one frame and offer it to all subscribers."""

    def __init__(self, state: SimState, period: float) -> None:
        self._state = state
        self._period = period
        self._thread = threading.Thread(target=self._run, name="sim-broadcaster", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        next_at = time.monotonic()
        while not self._state.stopping.wait(max(0.0, next_at - time.monotonic())):
            self._state.tick()
            # After a stall, tick once and carry on rather than bursting the backlog.
            next_at = max(next_at + self._period, time.monotonic())
