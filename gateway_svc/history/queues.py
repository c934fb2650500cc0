"""The background's two queues: browsers' downloads waiting to be stored (ingest), and past
days the store lacks (backfill, newest first). Each owns its lock; others call its methods."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Download:
    """A browser-fetched report in the spool, for the worker to split and store."""
    path: Path
    count: int | None
    days: list[date]


class IngestQueue:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._items: list[Download] = []
        self._storing: set[date] = set()

    def put(self, item: Download) -> None:
        with self._cond:
            self._items.append(item)
            self._storing.update(item.days)

    def pop(self) -> Download | None:
        with self._cond:
            return self._items.pop(0) if self._items else None

    def done(self, item: Download) -> None:
        """The item's days are stored (or given up): waiting views go on."""
        with self._cond:
            self._storing.difference_update(item.days)
            self._cond.notify_all()

    def wait_stored(self, days: Iterable[date], timeout: float) -> set[date]:
        """Wait (at most timeout s) until none of these days is being stored; those still
        being stored are returned."""
        days = set(days)
        with self._cond:
            self._cond.wait_for(lambda: not self._storing & days, timeout)
            return self._storing & days


class Backfill:
    """What the background fetcher has left (newest first) and how it went."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.pending: list[date] = []
        self.running = False
        self.last_error: str | None = None

    def add(self, days: Iterable[date]) -> None:
        with self._lock:
            self.pending = sorted(set(self.pending).union(days), reverse=True)

    def next(self, held: Callable[[date], bool]) -> date | None:
        """The next day to fetch (days held meanwhile are dropped), or None."""
        with self._lock:
            while self.pending and held(self.pending[0]):
                self.pending.pop(0)
            return self.pending[0] if self.pending else None

    def done(self, day: date) -> None:
        with self._lock:
            if day in self.pending:
                self.pending.remove(day)
