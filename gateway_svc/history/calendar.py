"""Unit-local days: the one `today()`, day numbers, ranges and midnights.

Every "today" of the gateway (the /api/history check, the cache's TTL, the store) comes from
`today(clock, tz)` with the store's one injected clock, so a test that moves that clock moves
every one of them."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

EPOCH = date(1970, 1, 1)
Clock = Callable[[], float]      # epoch seconds (time.time, or a test's hand-moved clock)


def local_now(clock: Clock, tz: ZoneInfo) -> datetime:
    """The unit-local date and time at the clock's now."""
    return datetime.fromtimestamp(clock(), tz)


def today(clock: Clock, tz: ZoneInfo) -> date:
    """The unit-local date at the clock's now."""
    return local_now(clock, tz).date()


def day_number(day: date) -> int:
    return (day - EPOCH).days


def day_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=k) for k in range((end - start).days + 1)]


def runs(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days grouped: [(first, last), ...]."""
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and out[-1][1] == day - timedelta(days=1):
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def bounds(first: date, last: date, tz: ZoneInfo) -> tuple[float, float]:
    """Epoch seconds of first's unit-local midnight and of the one after last."""
    return (datetime.combine(first, datetime.min.time(), tz).timestamp(),
            datetime.combine(last + timedelta(days=1), datetime.min.time(), tz).timestamp())


def local_days(ts: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """The unit-local day (days since 1970-01-01) of each epoch second; NaN stays NaN. The
    UTC offset is looked up once per distinct hour, not per row."""
    out = np.full(ts.shape, np.nan)
    ok = np.isfinite(ts)
    hours, which = np.unique(ts[ok] // 3600, return_inverse=True)
    offsets = np.array([datetime.fromtimestamp(h * 3600, timezone.utc).astimezone(tz)
                        .utcoffset().total_seconds() for h in hours.tolist()])
    out[ok] = (ts[ok] + offsets[which]) // 86400
    return out


def local_to_epoch(wall: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """Unit-local wall-clock seconds -> epoch seconds (NaN stays NaN). The UTC offset is
    looked up once per distinct hour (zone changes happen on the hour), not per row."""
    out = np.full(wall.shape, np.nan)
    ok = np.isfinite(wall)
    hours, which = np.unique(wall[ok] // 3600, return_inverse=True)
    offsets = np.array([datetime.fromtimestamp(h * 3600, timezone.utc).replace(tzinfo=tz)
                        .utcoffset().total_seconds() for h in hours.tolist()])
    out[ok] = wall[ok] - offsets[which]
    return out
