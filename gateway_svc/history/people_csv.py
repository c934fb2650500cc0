"""The people's CSV (SPEC 12): a range as a spreadsheet user reads it.

One row per interval of `every` seconds that holds any frame: `Time (IST)` as
`YYYY-MM-DD HH:MM` unit-local (the interval's start), then one column per channel headed
`<label> (<unit>)` holding the interval's mean rounded to the channel's precision (relays:
the share of the interval ON, 0-1, in hundredths). Inlet and outlet of a quantity stand side
by side; SW/HW versions are left out (an average of version numbers means nothing).

Intervals without any frame are left out rather than written as empty rows: a spreadsheet
plots the times as a time axis, so a gap still shows as a gap, the file stays small (a unit
offline for a week is not 2,016 blank lines) and today's future intervals never appear. A
channel with no value in an interval that has frames is an empty cell.

The numbers are /api/history's: the store's bucket_stats over calendar-aligned windows of
`every` (the same cells, rows and today's frames), a chunk of days at a time so a year at
60 s (~527,000 rows, ~60 MB) is never held whole: a chunk is at most CHUNK_BUCKETS intervals
(~7 MB of numbers).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

import numpy as np

from devicecloud.channels import BY_CODE, HISTORY_CODES, PAIRS, RELAY_IDS
from devicecloud.csvsafe import defuse_row

from .aggregate import means
from .calendar import bounds
from .rollups import Buckets
from .window import Window

EVERY = (60, 300, 900, 3600)
CHUNK_BUCKETS = 9_000       # intervals computed at a time: 6 days at 60 s, 31 days at 300 s and up
CHUNK_MAX_DAYS = 31         # <= the store's SYNC_MAX_DAYS: every missing day is fetched, none queued
PENDING_TRIES = 6           # days the store's worker is storing: each try waits up to ~5 s for them
RELAY_DIGITS = 2
BOM = "\ufeff"              # Excel reads a CSV as UTF-8 (µg/m³, °C, CO₂) only with it
CODES = [*(c for pair in PAIRS for c in pair), "d38", *RELAY_IDS]
Stats = Callable[[Window], tuple[Buckets, dict]]      # HistoryStore.bucket_stats


class Incomplete(RuntimeError):
    """Days the store was still storing after PENDING_TRIES: the CSV would miss them."""


def headers(relay_names: dict[str, str], zone: str) -> list[str]:
    """`Time (IST)`, then `<label> (<unit>)` per column (a relay by its own name)."""
    out = [f"Time ({zone})"]
    for code in CODES:
        ch = BY_CODE[code]
        if ch.group == "relay":
            out.append(f"{relay_names.get(code) or ch.label} (share ON)")
        else:
            out.append(f"{ch.label} ({ch.unit})" if ch.unit else ch.label)
    return out


def zone_name(start: date, end: date, tz) -> str:
    """The zone's short name over the range ("IST"; "CET/CEST" across a change)."""
    first, after = bounds(start, end, tz)
    return "/".join(dict.fromkeys(datetime.fromtimestamp(t, tz).tzname() or "" for t in (first, after - 1)))


def chunks(start: date, end: date, every: int) -> list[tuple[date, date]]:
    days = max(1, min(CHUNK_MAX_DAYS, CHUNK_BUCKETS * every // 86_400))
    out = []
    first = start
    while first <= end:
        last = min(end, first + timedelta(days=days - 1))
        out.append((first, last))
        first = last + timedelta(days=1)
    return out


def complete_stats(stats: Stats, window: Window) -> Buckets:
    """The window's buckets with every day in them (waits for days the worker is storing)."""
    for _ in range(PENDING_TRIES):
        b, pending = stats(window)
        if not pending["days_pending"]:
            return b
    raise Incomplete("some days of the range are still being stored; try again in a minute")


def _cells(values: np.ndarray, digits: int) -> list[str]:
    rounded = np.round(values, digits) + 0.0         # + 0.0: no "-0.0"
    if digits <= 0:
        return ["" if v != v else str(int(v)) for v in rounded.tolist()]
    return ["" if v != v else repr(v) for v in rounded.tolist()]


def rows(b: Buckets, window: Window, tz) -> list[list[str]]:
    """The window's intervals holding any frame, as CSV rows."""
    index = {code: j for j, code in enumerate(HISTORY_CODES)}
    mean = means(b)
    used = np.flatnonzero(b["rows"] > 0)
    columns = [[datetime.fromtimestamp(window.edges[k], tz).strftime("%Y-%m-%d %H:%M") for k in used.tolist()]]
    for code in CODES:
        ch = BY_CODE[code]
        columns.append(_cells(mean[used, index[code]], RELAY_DIGITS if ch.group == "relay" else ch.precision))
    return [list(r) for r in zip(*columns)]


def lines(stats: Stats, start: date, end: date, every: int, tz, relay_names: dict[str, str]) -> Iterator[str]:
    """The CSV's lines. The first chunk is computed before the header is yielded, so a cloud
    error on it is raised by the first next() (a JSON error, not a cut file)."""
    parts = chunks(start, end, every)
    window = Window.for_days(*parts[0], tz, bucket_s=every)
    b = complete_stats(stats, window)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")

    def text(batch: list[list[str]]) -> str:
        writer.writerows(batch)
        out = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return out

    yield BOM + text([defuse_row(headers(relay_names, zone_name(start, end, tz)))])
    for n, (first, last) in enumerate(parts):
        if n:
            window = Window.for_days(first, last, tz, bucket_s=every)
            b = complete_stats(stats, window)
        batch = rows(b, window, tz)
        for k in range(0, len(batch), 2_000):        # ~150 KB pieces: the server sends as it goes
            yield text(batch[k:k + 2_000])
