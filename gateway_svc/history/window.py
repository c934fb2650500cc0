"""A history view's window: whole unit-local days cut into calendar-aligned buckets.

Bucket sizes are ones a person reads (SIZES): a bucket starts where the unit-local clock
shows a multiple of its size (4 h: 00:00, 04:00, 08:00 ...), a day at local midnight, a week
at the local midnight of a Monday (the first bucket at the range's start). A year reads as
365 daily points, a month as 4-hourly ones, a week as hourly ones (at the default 500).

The size is asked for directly (`bucket_s`) or chosen from a hint of N points: the finest
size giving at most N buckets (weekly when even that gives more). Every size divides a day
and IST midnights are whole 10 minutes of the epoch, so the store's 10-minute (or 1-minute)
cells tile every bucket: buckets built from cells equal buckets built from the rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

import numpy as np

from .calendar import aligned_edges

MAX_DAYS = 366
CELL_SIZES = (600, 60)     # the store's rollups, coarsest first: 10-minute and 1-minute cells
DAY_S, WEEK_S = 86_400, 604_800
# 1, 5, 10, 15, 30 min, 1 h, 4 h, 1 day, 1 week
SIZES = (60, 300, 600, 900, 1800, 3600, 14_400, DAY_S, WEEK_S)


def size_name(seconds: int) -> str:
    """"5 min", "4 h", "1 day", "1 week": for sentences."""
    if seconds % WEEK_S == 0:
        return f"{seconds // WEEK_S} week"
    if seconds % DAY_S == 0:
        return f"{seconds // DAY_S} day"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    return f"{seconds // 60} min"


def _edges(start: date, end: date, tz: ZoneInfo, size: int) -> tuple[int, ...]:
    """Each bucket's start (epoch s) over start..end (whole unit-local days)."""
    days = [start + timedelta(days=k) for k in range((end - start).days + 1)]
    if size == WEEK_S:
        days = [d for d in days if d == start or d.weekday() == 0]
    if size >= DAY_S:
        return tuple(int(datetime.combine(d, time(0), tz).timestamp()) for d in days)
    start_ts = int(datetime.combine(start, time(0), tz).timestamp())
    end_ts = int(datetime.combine(end + timedelta(days=1), time(0), tz).timestamp())
    return tuple(aligned_edges(start_ts, end_ts, size, tz).tolist())


@dataclass(frozen=True)
class Window:
    """Whole unit-local days start..end (inclusive) cut into buckets of bucket_s (nominal:
    a day in a zone with summer time may be 23 or 25 h), each starting at edges[k]."""

    start: date
    end: date
    start_ts: int
    end_ts: int        # exclusive: midnight after `end`
    bucket_s: int
    edges: tuple[int, ...] = field(repr=False)

    @classmethod
    def for_days(cls, start: date, end: date, tz: ZoneInfo, target_buckets: int = 500,
                 bucket_s: int | None = None) -> "Window":
        """bucket_s one of SIZES, or the finest of SIZES giving at most target_buckets."""
        start_ts = int(datetime.combine(start, time(0), tz).timestamp())
        end_ts = int(datetime.combine(end + timedelta(days=1), time(0), tz).timestamp())
        if bucket_s is None:
            bucket_s = choose_size(end_ts - start_ts, target_buckets)
        if bucket_s not in SIZES:
            raise ValueError(f"bucket size {bucket_s} s is not one of {SIZES}")
        return cls(start, end, start_ts, end_ts, bucket_s, _edges(start, end, tz, bucket_s))

    @property
    def buckets(self) -> int:
        return len(self.edges)

    @cached_property
    def starts(self) -> np.ndarray:
        return np.array(self.edges, dtype=np.float64)

    @cached_property
    def uniform(self) -> bool:
        """Every bucket exactly bucket_s long (always in IST): a division finds a row's bucket."""
        lengths = np.diff(np.r_[self.starts, self.end_ts])
        return bool(np.all(lengths == self.bucket_s))

    def index(self, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which of ts fall inside the window, the bucket of each of those)."""
        keep = np.isfinite(ts) & (ts >= self.start_ts) & (ts < self.end_ts)
        inside = ts[keep]
        if self.uniform:
            return keep, ((inside - self.start_ts) // self.bucket_s).astype(np.intp)
        return keep, (np.searchsorted(self.starts, inside, side="right") - 1).astype(np.intp)

    @cached_property
    def cell_s(self) -> int | None:
        """The coarsest store cell that tiles every bucket exactly (None: use the rows)."""
        for cell in CELL_SIZES:
            if all(e % cell == 0 for e in (*self.edges, self.end_ts)):
                return cell
        return None

    def bucket_starts(self) -> list[int]:
        return list(self.edges)


def choose_size(span_s: int, target: int) -> int:
    """The finest of SIZES giving at most `target` buckets over span_s (weekly at the most)."""
    for size in SIZES:
        if -(-span_s // size) <= target:
            return size
    return SIZES[-1]
