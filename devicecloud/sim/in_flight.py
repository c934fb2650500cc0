"""REST calls in flight in the simulator, so a reset leaves it quiet: a call hung by the `hang_s`
fault is released, and the reset waits until none is running, so nothing sent before a reset
lands (and is logged) after it (a test resetting the sim starts from a quiet cloud)."""
from __future__ import annotations

import threading
import time


class InFlight:
    def __init__(self, stopping: threading.Event) -> None:
        self._stopping = stopping
        self._cond = threading.Condition()
        self._count = 0
        self._release = 0      # a generation quiesce() bumps to end every hold begun before it

    def begin(self) -> None:
        with self._cond:
            self._count += 1

    def end(self) -> None:
        with self._cond:
            self._count -= 1
            self._cond.notify_all()

    def hold(self, delay_s: float) -> None:
        """A hung reply: sleep delay_s, or less when the sim stops or is reset."""
        deadline = time.monotonic() + delay_s
        with self._cond:
            generation = self._release
            while (self._release == generation and not self._stopping.is_set()
                   and (left := deadline - time.monotonic()) > 0):
                self._cond.wait(min(left, 0.5))

    def quiesce(self, timeout: float = 10.0) -> None:
        """Release hung calls and wait until none is in flight."""
        with self._cond:
            self._release += 1
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._count == 0, timeout)
