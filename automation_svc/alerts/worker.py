"""The alerts worker: runs `step` when woken (a frame, a command result, a rule change) and at
least every STEP_S, so the timers (offline, holds, repeats) run without any input."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)
STEP_S = 1.0


class Worker:
    def __init__(self, step: Callable[[], None], name: str = "alerts") -> None:
        self._step = step
        self._name = name
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread:
            self._thread.join(5)

    def _work(self) -> None:
        while not self._stop.is_set():
            self.wake.clear()
            try:
                self._step()
            except Exception:       # a bug in one step must not stop alerting
                log.exception("alerts step failed")
            self.wake.wait(STEP_S)
