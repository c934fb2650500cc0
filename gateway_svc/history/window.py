"""A history view's window: whole unit-local days cut into ~N buckets.

Buckets are whole multiples of a store cell size once they are 10 cells or more (Window
rounds them), so buckets built from the store's cells equal buckets built from the rows."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MAX_DAYS = 366
CELL_SIZES = (600, 60)     # the store's rollups, coarsest first: 10-minute and 1-minute cells


@dataclass(frozen=True)
class Window:
    """Whole unit-local days start..end (inclusive) cut into `buckets` buckets of bucket_s."""

    start: date
    end: date
    start_ts: int
    end_ts: int        # exclusive: midnight after `end`
    bucket_s: int
    buckets: int

    @classmethod
    def for_days(cls, start: date, end: date, tz: ZoneInfo, target_buckets: int) -> "Window":
        start_ts = int(datetime.combine(start, time(0), tz).timestamp())
        end_ts = int(datetime.combine(end + timedelta(days=1), time(0), tz).timestamp())
        span = end_ts - start_ts
        bucket_s = max(1, math.ceil(span / target_buckets))
        for cell in CELL_SIZES:     # at most 10% wider buckets, so they can be built from cells
            if bucket_s >= 10 * cell:
                bucket_s = math.ceil(bucket_s / cell) * cell
                break
        return cls(start, end, start_ts, end_ts, bucket_s, math.ceil(span / bucket_s))

    @property
    def cell_s(self) -> int | None:
        """The coarsest store cell that tiles every bucket exactly (None: use the rows)."""
        for cell in CELL_SIZES:
            if self.bucket_s % cell == 0 and self.start_ts % cell == 0:
                return cell
        return None

    def bucket_starts(self) -> list[int]:
        return list(range(self.start_ts, self.start_ts + self.buckets * self.bucket_s, self.bucket_s))
