"""Who may download from the cloud now: one report download at a time, a browser's always
before the background's, and the background's CPU work only once views are quiet."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from .errors import Yielded

VIEW_QUIET_S = 1.0          # background work starts this long after the last view


class FetchPriority:
    def __init__(self) -> None:
        self._fetch = threading.Lock()             # one report download at a time
        self._lock = threading.Lock()              # the counts below
        self._browsers = 0                         # browser requests waiting for or holding it
        self._views = 0                            # history views being computed
        self._view_done = 0.0

    @contextmanager
    def browser_turn(self) -> Iterator[None]:
        """A browser's download: waits for the one running, and makes the background's give way."""
        with self._lock:
            self._browsers += 1
        try:
            with self._fetch:
                yield
        finally:
            with self._lock:
                self._browsers -= 1

    @contextmanager
    def background_turn(self) -> Iterator[None]:
        """The background's download; Yielded at once when a browser waits."""
        with self._fetch:
            if self._browsers:
                raise Yielded()
            yield

    @property
    def browser_waiting(self) -> bool:
        return self._browsers > 0

    def giving_way(self, f: IO[bytes]) -> IO[bytes]:
        """A download destination that stops the download (Yielded) once a browser waits."""
        return _GivingWay(f, lambda: self._browsers > 0)       # type: ignore[return-value]

    @contextmanager
    def view(self) -> Iterator[None]:
        """A history view being computed (the background's CPU work waits for it)."""
        with self._lock:
            self._views += 1
        try:
            yield
        finally:
            with self._lock:
                self._views -= 1
                self._view_done = time.monotonic()

    @property
    def views_quiet(self) -> bool:
        """No view is being computed, nor was in the last VIEW_QUIET_S (its reply is still
        being encoded and sent): background CPU work waits for that, on 2 cores it halves a
        cold month's time."""
        return self._views == 0 and time.monotonic() - self._view_done >= VIEW_QUIET_S


class _GivingWay:
    def __init__(self, f: IO[bytes], should_yield: Callable[[], bool]) -> None:
        self.f = f
        self.should_yield = should_yield

    def write(self, chunk: bytes) -> int:
        if self.should_yield():
            raise Yielded()
        return self.f.write(chunk)
