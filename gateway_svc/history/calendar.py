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


def _offset(ts: int, tz: ZoneInfo) -> int:
    return int(datetime.fromtimestamp(ts, timezone.utc).astimezone(tz).utcoffset().total_seconds())


def _offset_changes(start_ts: int, end_ts: int, tz: ZoneInfo) -> list[int]:
    """The instants in (start_ts, end_ts) where the zone's UTC offset changes (summer time).
    The offset is compared a day apart, then bisected to the second: ~17 look-ups a change."""
    changes = []
    lo = start_ts
    while lo < end_ts:
        hi = min(lo + 86_400, end_ts)
        if _offset(lo, tz) != _offset(hi, tz):
            a, b = lo, hi             # offset(a) != offset(b): find the first second of b's offset
            while b - a > 1:
                mid = (a + b) // 2
                a, b = (mid, b) if _offset(mid, tz) == _offset(lo, tz) else (a, mid)
            changes.append(b)
        lo = hi
    return changes


def aligned_edges(start_ts: int, end_ts: int, size: int, tz: ZoneInfo) -> np.ndarray:
    """Every instant in [start_ts, end_ts) where the unit-local clock shows a multiple of
    `size` seconds (size divides a day: 00:00, 04:00, 08:00 ... for 4 h), plus start_ts.
    Across a summer-time change the bucket around it is shorter or longer (wall-clock
    alignment is kept), and a repeated hour is its own bucket."""
    bounds = [start_ts, *_offset_changes(start_ts, end_ts, tz), end_ts]
    parts = [np.array([start_ts], dtype=np.int64)]
    for a, b in zip(bounds, bounds[1:]):
        first = a + (-(a + _offset(a, tz))) % size
        parts.append(np.arange(first, b, size, dtype=np.int64))
    return np.unique(np.concatenate(parts))
