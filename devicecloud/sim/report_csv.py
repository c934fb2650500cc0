"""The simulated cloud's Athena CSV report: one quoted row per 10 s frame of the generator's
deterministic data, streamed in constant memory, whole unit-local days cached compressed."""
from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

from ..chunks import byte_chunks
from .generator import (CSV_COLUMNS, DAY_S, DEFAULT_RELAYS, IST_OFFSET_S, RELAY_KEYS, STEP_S, _rest_value,
                        grid, make_frame, relays_key)


def csv_row(frame: Mapping[str, Any]) -> list[Any]:
    """One Athena CSV row: the REST values (csv prints them as 2.0, 0.0)."""
    return [_rest_value(k, frame[k]) if k in frame else "" for k in CSV_COLUMNS]


def _quoted_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")  # Athena quotes all
    for row in rows:
        writer.writerow(row)
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()


CSV_HEADER_LINE = next(_quoted_lines([CSV_COLUMNS]))


def _row_lines(times: Iterable[int], relays: Mapping[str, int], device_id: str, seed: int) -> Iterator[str]:
    """The quoted CSV line of the frame at each epoch second in times."""
    return _quoted_lines(csv_row(make_frame(ts, relays, device_id, seed)) for ts in times)


def report_csv_lines(device_id: str, start_ts: float, end_ts: float, step: int = STEP_S,
                     seed: int = 0, relays: Mapping[str, int] | None = None) -> Iterator[str]:
    """Yield the Athena-style CSV (header, then one row per step in [start_ts, end_ts]).

    Lazy, so a 30-day range (259,200 rows) streams in constant memory.
    """
    yield CSV_HEADER_LINE
    yield from _row_lines(grid(start_ts, end_ts, step), DEFAULT_RELAYS if relays is None else relays,
                          device_id, seed)


# Whole unit-local days of CSV rows, compressed (~3 MB -> well under 1 MB each): making a
# row takes ~40 us, so a month (259,200 rows) takes ~10 s, and Analytics asks for the same
# days again on every reload. A month of days stays cached.
DAY_BLOCKS_CACHED = 32


@lru_cache(maxsize=DAY_BLOCKS_CACHED)
def _day_rows(device_id: str, day0: int, seed: int, relays: tuple[int, ...]) -> bytes:
    lines = _row_lines(range(day0, day0 + DAY_S, STEP_S), dict(zip(RELAY_KEYS, relays)), device_id, seed)
    return zlib.compress("".join(lines).encode(), 1)


def report_csv_chunks(device_id: str, start_ts: float, end_ts: float, seed: int = 0,
                      relays: Mapping[str, int] | None = None) -> Iterator[bytes]:
    """report_csv_lines() on the 10 s grid as encoded chunks, each whole day in the range
    from the day cache; partial days at the ends are made row by row."""
    state = DEFAULT_RELAYS if relays is None else relays
    key = relays_key(state)
    yield CSV_HEADER_LINE.encode()
    ts, end = grid(start_ts, end_ts).start, int(end_ts)
    while ts <= end:
        day0 = ts - (ts + IST_OFFSET_S) % DAY_S          # the unit-local midnight at or before ts
        if ts == day0 and day0 + DAY_S - STEP_S <= end:
            yield zlib.decompress(_day_rows(device_id, day0, seed, key))
        else:
            stop = min(end, day0 + DAY_S - 1)
            yield from byte_chunks(_row_lines(range(ts, stop + 1, STEP_S), state, device_id, seed))
        ts = day0 + DAY_S
