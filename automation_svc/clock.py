"""Time sources. Everything in the service reads time through a Clock so tests can use FakeClock
and step through 60 s timeouts or 10 s display periods without sleeping."""
from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def wall(self) -> float:
        """Epoch seconds (for timestamps, timeouts that survive restarts, the unit's local time)."""

    def mono(self) -> float:
        """Monotonic seconds (for schedules that must not drift or jump with NTP)."""


class SystemClock:
    def wall(self) -> float:
        return time.time()

    def mono(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock tests move by hand; wall and monotonic time advance together."""

    def __init__(self, wall: float = 1_764_947_000.0, mono: float = 1000.0) -> None:
        self._wall = wall
        self._mono = mono
        self._lock = threading.Lock()

    def wall(self) -> float:
        with self._lock:
            return self._wall

    def mono(self) -> float:
        with self._lock:
            return self._mono

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._wall += seconds
            self._mono += seconds

    def set_wall(self, wall: float) -> None:
        """Jump to a wall time (monotonic time moves forward by the same amount, never back)."""
        with self._lock:
            self._mono += max(0.0, wall - self._wall)
            self._wall = wall
