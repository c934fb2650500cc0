"""A deadline for a delivery as a whole (issue 21): a socket timeout bounds each read, so a
server that trickles a byte every 3 s would hold a worker (and the Test button) for minutes.
The watchdog shuts down every socket of the delivery when its time is up, which wakes a read
blocked in any thread or greenlet; the delivery then fails with `reason()`.

Network time is real time: the fake clock of the tests does not apply to sockets.
"""
from __future__ import annotations

import socket
import threading
import time


class Watchdog:
    def __init__(self, seconds: float, where: str) -> None:
        self.seconds = seconds
        self.where = where
        self.fired = False
        self._started = time.monotonic()
        self._socks: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> "Watchdog":
        self._started = time.monotonic()
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            socks, self._socks = self._socks, []
        for s in socks:
            try:
                s.close()
            except OSError:
                pass

    def remaining(self) -> float:
        return max(0.0, self.seconds - (time.monotonic() - self._started))

    def watch(self, sock: socket.socket) -> None:
        """Cut `sock` at the deadline. A duplicate descriptor is kept: shutting it down ends the
        connection even after the original was wrapped in TLS (which detaches it)."""
        dup = sock.dup()
        with self._lock:
            self._socks.append(dup)
            fired = self.fired
        if fired:
            self._cut(dup)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            socks = list(self._socks)
        for s in socks:
            self._cut(s)

    @staticmethod
    def _cut(s: socket.socket) -> None:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def check(self) -> None:
        """Raise TimeoutError when the deadline has passed (between steps of a delivery)."""
        if self.fired or self.remaining() <= 0:
            self.fired = True
            raise TimeoutError(self.reason())

    def reason(self) -> str:
        return (f"{self.where} did not complete the delivery within {self.seconds:g} s "
                "(each delivery is limited as a whole; a slow or stuck server is cut off)")
