"""The background's two queues: browsers' downloads waiting to be stored (ingest), and past
days the store lacks (backfill, newest first). Each owns its lock; others call its methods."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path


# A day that failed (cloud error, unreadable report, a child killed at its deadline) is tried
# again after 2 min, then 4, 8... at most an hour: one bad day never holds back the others.
DAY_BACKOFF_S = 120.0
MAX_BACKOFF_S = 3600.0


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
    """What the background fetcher has left (newest first) and how it went. A day that failed
    waits before its next try (DAY_BACKOFF_S, twice as long each time, up to MAX_BACKOFF_S) while the days
    after it go on; times are the caller's monotonic clock."""

    def __init__(self, first_backoff_s: float = DAY_BACKOFF_S, max_backoff_s: float = MAX_BACKOFF_S) -> None:
        self._lock = threading.Lock()
        self.pending: list[date] = []
        self.running = False
        self.last_error: str | None = None
        self.first_backoff_s = first_backoff_s
        self.max_backoff_s = max_backoff_s
        self._failures: dict[date, int] = {}
        self._not_before: dict[date, float] = {}

    def add(self, days: Iterable[date]) -> None:
        with self._lock:
            self.pending = sorted(set(self.pending).union(days), reverse=True)

    def next(self, held: Callable[[date], bool], now: float) -> date | None:
        """The next day to fetch, not backing off (days held meanwhile are dropped), or None."""
        with self._lock:
            self.pending = [d for d in self.pending if not held(d)]
            return next((d for d in self.pending if self._not_before.get(d, now) <= now), None)

    def failed(self, day: date, now: float) -> None:
        with self._lock:
            n = self._failures[day] = self._failures.get(day, 0) + 1
            self._not_before[day] = now + min(self.first_backoff_s * 2 ** (n - 1), self.max_backoff_s)

    def done(self, day: date) -> None:
        with self._lock:
            if day in self.pending:
                self.pending.remove(day)
            self._failures.pop(day, None)
            self._not_before.pop(day, None)
