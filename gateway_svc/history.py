"""History: report rows (or the store's cells) aggregated into ~N time buckets of
min/mean/max per channel.

Pure functions, no Flask, no I/O but reading the given file: the history store runs them
in a worker thread (coop.run_cpu); `history_from_csv` is parse + aggregate in one call.

Speed (30 days of 10 s frames = 259,200 rows, ~90 MB of fully quoted CSV): pyarrow's CSV
reader parses it in blocks on every core and converts only the ~26 needed columns straight
to float64 (~0.3 s on 2 cores; pandas' C parser ~0.5-0.9 s, csv module ~3.5 s), then a sort
plus numpy reduceat computes every bucket of every channel at once (~30 ms).

The history store (history_store.py) keeps each past day's rows and their 1- and 10-minute
"cells" (count, sum, min, max per channel): a year is ~53,000 10-minute cells instead of
3.2 million rows. Buckets are whole multiples of a cell size once they are 10 cells or more
(Window rounds them), so buckets built from cells equal buckets built from the rows.
"""
from __future__ import annotations

import csv
import ctypes
import ctypes.util
import io
import math
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import IO
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from devicecloud.channels import BY_CODE, HISTORY_CODES

MAX_DAYS = 366
CELL_SIZES = (600, 60)     # the store's rollups, coarsest first: 10-minute and 1-minute cells
BLOCK_BYTES = 4 << 20      # pyarrow parses blocks of this size in parallel
# A number as Athena writes it (spaces trimmed first); anything else in a value column is junk
NUMBER_RE = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
Columns = dict[str, np.ndarray]     # "ts" plus each channel present: float64, NaN where missing
# "t" (cell start, epoch s), "rows", and per channel "<code>.n|.sum|.min|.max" (NaN min/max when n=0)
Cells = dict[str, np.ndarray]
STATS = ("n", "sum", "min", "max")


class ReportFormatError(ValueError):
    """The CSV lacks a time column (ts or date) or cannot be parsed."""


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


def _header(source: IO[bytes]) -> list[str]:
    pos = source.tell()
    first = b""
    while b"\n" not in first and (chunk := source.read(4096)):    # no readline on a mmap
        first += chunk
    source.seek(pos)
    return next(csv.reader([first.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")]), [])


def _floats(col: pa.ChunkedArray) -> np.ndarray:
    """A column as float64 numbers; stray text (which the fast typed read refused) -> NaN."""
    if not pa.types.is_floating(col.type) and not pa.types.is_integer(col.type):
        col = pc.utf8_trim_whitespace(col)
        col = pc.if_else(pc.match_substring_regex(col, NUMBER_RE), col, pa.scalar(None, col.type))
    return col.cast(pa.float64()).to_numpy(zero_copy_only=False)


def _local_to_epoch(wall: np.ndarray, tz: ZoneInfo) -> np.ndarray:
    """Unit-local wall-clock seconds -> epoch seconds (NaN stays NaN). The UTC offset is
    looked up once per distinct hour (zone changes happen on the hour), not per row."""
    out = np.full(wall.shape, np.nan)
    ok = np.isfinite(wall)
    hours, which = np.unique(wall[ok] // 3600, return_inverse=True)
    offsets = np.array([datetime.fromtimestamp(h * 3600, timezone.utc).replace(tzinfo=tz)
                        .utcoffset().total_seconds() for h in hours.tolist()])
    out[ok] = wall[ok] - offsets[which]
    return out


def read_report(source: IO[bytes], tz: ZoneInfo, codes: Iterable[str] = HISTORY_CODES,
                threads: bool = True) -> Columns:
    """The rows' epoch `ts` plus each wanted channel present, as float64 arrays (NaN where
    missing or not a number).

    `source` is a binary file positioned at the header. Column names are matched
    case-blind (Athena may lower-case them); without `ts`, the unit-local `date` is used.
    threads=False parses block after block on the calling thread (the store's background
    work: no CPU taken from the other core, no allocations spread over pool threads).
    """
    names = {name.strip().lower(): name for name in _header(source)}
    if not names:
        return {"ts": np.empty(0)}
    time_col = "ts" if "ts" in names else "date" if "date" in names else None
    if time_col is None:
        raise ReportFormatError("the report has neither a ts nor a date column")
    wanted = [c for c in [time_col, *(c.lower() for c in codes)] if c in names]
    numeric = [names[c] for c in wanted if c != "date"]
    start = source.tell()

    def read(types: dict[str, pa.DataType]) -> pa.Table:
        source.seek(start)
        return pcsv.read_csv(
            source, read_options=pcsv.ReadOptions(block_size=BLOCK_BYTES, encoding="utf8",
                                              use_threads=threads),
            convert_options=pcsv.ConvertOptions(
                include_columns=[names[c] for c in wanted], column_types=types,
                strings_can_be_null=True, quoted_strings_can_be_null=True))
    try:
        try:    # fast path: values parsed straight into floats ("", NULL, n/a... are null)
            types = {n: pa.float64() for n in numeric}
            if time_col == "date":
                types[names["date"]] = pa.string()
            table = read(types)
        except pa.ArrowInvalid as exc:
            if "conversion error" not in str(exc).lower():
                raise
            table = read({n: pa.string() for n in names.values()})   # junk text somewhere
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise ReportFormatError(f"unreadable report CSV ({type(exc).__name__})") from None
    cols = {c: table.column(names[c]) for c in wanted}
    out = {c: _floats(col) for c, col in cols.items() if c != "date"}
    if time_col == "date":
        wall = pc.strptime(cols["date"], format="%Y-%m-%d,%H:%M:%S", unit="s", error_is_null=True)
        out["ts"] = _local_to_epoch(_floats(wall.cast(pa.int64())), tz)
    return out


def _rounded(values: np.ndarray, digits: int) -> list[float | int | None]:
    out: list[float | int | None] = np.round(values, digits).tolist()
    if digits <= 0:
        return [None if v != v else int(v) for v in out]
    return [None if v != v else v for v in out]       # v != v is NaN


def _bucketed(idx: np.ndarray, stats: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    """Reduce per-row (or per-cell) stats into n buckets by bucket index idx.

    stats holds channels x rows arrays: "n" counts, "sum", "min", "max" (NaN = nothing) and
    "rows" (1-D). Returns buckets x channels arrays (rows: 1-D), NaN/0 where empty."""
    channels = stats["n"].shape[0]
    out = {"n": np.zeros((n, channels)), "sum": np.zeros((n, channels)),
           "min": np.full((n, channels), np.nan), "max": np.full((n, channels), np.nan),
           "rows": np.zeros(n, dtype=np.int64)}
    if not len(idx):
        return out
    if np.any(idx[1:] < idx[:-1]):                      # Athena output is usually in order
        order = np.argsort(idx, kind="stable")
        idx = idx[order]
        stats = {k: v[..., order] for k, v in stats.items()}
    # channels x rows (each channel's values contiguous: reduceat along rows is ~5x faster
    # than over the columns of a rows x channels array, ~250 ms -> ~45 ms for a month)
    starts = np.flatnonzero(np.r_[True, idx[1:] != idx[:-1]])
    at = idx[starts]
    out["n"][at] = np.add.reduceat(stats["n"], starts, axis=1).T
    out["sum"][at] = np.add.reduceat(stats["sum"], starts, axis=1).T
    # fmin/fmax skip NaN, so an empty value never hides the bucket's real min/max
    out["min"][at] = np.fmin.reduceat(stats["min"], starts, axis=1).T
    out["max"][at] = np.fmax.reduceat(stats["max"], starts, axis=1).T
    out["rows"][at] = np.add.reduceat(stats["rows"], starts)
    return out


def _row_stats(cols: Columns, keep: np.ndarray, codes: list[str]) -> dict[str, np.ndarray]:
    """Each kept row as a cell of its own (NaN for a channel the report lacks or left empty)."""
    values = np.full((len(codes), int(keep.sum())), np.nan)
    for j, code in enumerate(codes):
        if code in cols:
            values[j] = cols[code][keep]
    present = ~np.isnan(values)
    return {"n": present.astype(np.float64), "sum": np.where(present, values, 0.0),
            "min": values, "max": values, "rows": np.ones(values.shape[1], dtype=np.int64)}


def to_cells(cols: Columns, cell_s: int, codes: Iterable[str] = HISTORY_CODES) -> Cells:
    """Rows -> cells of cell_s seconds (aligned to the epoch); only cells holding rows."""
    codes = list(codes)
    ts = cols["ts"]
    keep = np.isfinite(ts)
    cell = (ts[keep] // cell_s).astype(np.int64)
    base = int(cell.min()) if len(cell) else 0
    span = int(cell.max()) - base + 1 if len(cell) else 0
    b = _bucketed((cell - base).astype(np.intp), _row_stats(cols, keep, codes), span)
    used = np.flatnonzero(b["rows"] > 0)
    out: Cells = {"t": (used + base) * cell_s, "rows": b["rows"][used]}
    for j, code in enumerate(codes):
        for stat in STATS:
            out[f"{code}.{stat}"] = b[stat][used, j]
    return out


def _cell_column(part: Cells, key: str) -> np.ndarray:
    """A cells column, or "no value" for a channel the part lacks (a day stored before the
    store kept relays): n and sum 0, min and max NaN, so its buckets are null."""
    if key in part:
        return part[key]
    return np.full(len(part["t"]), np.nan if key.endswith((".min", ".max")) else 0.0)


def concat_cells(parts: list[Cells], codes: Iterable[str] = HISTORY_CODES) -> Cells:
    keys = ["t", "rows", *(f"{c}.{s}" for c in codes for s in STATS)]
    return {k: np.concatenate([_cell_column(p, k) for p in parts]) if parts else np.empty(0) for k in keys}


def _summary(b: dict[str, np.ndarray], window: Window, codes: list[str]) -> dict:
    """{bucket_s, t, series:{code:{min,mean,max}}, rows}; null for buckets without data.
    min/max keep the channel's display precision, mean gets one more decimal."""
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(b["n"] > 0, b["sum"] / np.where(b["n"] > 0, b["n"], 1), np.nan)
    series = {}
    for j, code in enumerate(codes):
        ch = BY_CODE.get(code)
        digits = ch.precision if ch else 2
        # a relay's mean is the share of the bucket ON: hundredths (36 s of an hour)
        mean_digits = 2 if ch and ch.group == "relay" else digits + 1
        series[code] = {"min": _rounded(b["min"][:, j], digits),
                        "mean": _rounded(means[:, j], mean_digits),
                        "max": _rounded(b["max"][:, j], digits)}
    return {"bucket_s": window.bucket_s, "t": window.bucket_starts(), "series": series,
            "rows": int(b["rows"].sum())}


def _row_buckets(cols: Columns, window: Window, codes: list[str]) -> dict[str, np.ndarray]:
    ts = cols["ts"]
    keep = np.isfinite(ts) & (ts >= window.start_ts) & (ts < window.end_ts)
    idx = ((ts[keep] - window.start_ts) // window.bucket_s).astype(np.intp)
    return _bucketed(idx, _row_stats(cols, keep, codes), window.buckets)


def _cell_buckets(cells: Cells, window: Window, codes: list[str]) -> dict[str, np.ndarray]:
    t = cells["t"]
    keep = (t >= window.start_ts) & (t < window.end_ts)
    idx = ((t[keep] - window.start_ts) // window.bucket_s).astype(np.intp)
    stats = {s: np.stack([_cell_column(cells, f"{c}.{s}")[keep] for c in codes]) if codes else np.empty((0, 0))
             for s in STATS}
    stats["rows"] = cells["rows"][keep]
    return _bucketed(idx, stats, window.buckets)


def _merged(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {"n": a["n"] + b["n"], "sum": a["sum"] + b["sum"], "rows": a["rows"] + b["rows"],
            "min": np.fmin(a["min"], b["min"]), "max": np.fmax(a["max"], b["max"])}


def aggregate(cols: Columns, window: Window, codes: Iterable[str] = HISTORY_CODES) -> dict:
    """Rows -> the window's buckets: {bucket_s, t, series:{code:{min,mean,max}}, rows}."""
    codes = list(codes)
    return _summary(_row_buckets(cols, window, codes), window, codes)


def aggregate_cells(cells: Cells, window: Window, codes: Iterable[str] = HISTORY_CODES,
                    rows: Iterable[Columns] = ()) -> dict:
    """Cells (each inside one bucket: see Window.cell_s), plus any rows, -> the same result
    as aggregate() of all their rows. Rows are bucketed directly: turning a fetched month
    into cells first would cost ~0.15 s more."""
    codes = list(codes)
    b = _cell_buckets(cells, window, codes)
    for part in rows:
        b = _merged(b, _row_buckets(part, window, codes))
    return _summary(b, window, codes)


def release_memory() -> None:
    """Hand the parse's buffers (~150 MB for a month) back to the OS. Both pyarrow's pool
    and glibc's per-thread arenas keep freed memory for reuse, so a gateway that served one
    month would otherwise stay that much bigger until it restarts."""
    pa.default_memory_pool().release_unused()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _glibc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None      # musl has none
    except OSError:
        return None


_LIBC = _glibc()


@contextmanager
def _readable(source: IO[bytes] | bytes | str | os.PathLike) -> Iterator[IO[bytes]]:
    """A binary file for read_report. A path is memory-mapped, which lets pyarrow's threads
    read it without the GIL (~25% faster than a file object)."""
    if isinstance(source, (str, os.PathLike)):
        if os.path.getsize(source) == 0:          # mmap refuses an empty file
            yield io.BytesIO(b"")
        else:
            with pa.memory_map(os.fspath(source)) as mapped:
                yield mapped
    elif isinstance(source, (bytes, bytearray)):
        yield io.BytesIO(source)
    else:
        yield source


def history_from_csv(source: IO[bytes] | bytes | str | os.PathLike, window: Window, tz: ZoneInfo,
                     codes: Iterable[str] = HISTORY_CODES) -> dict:
    """Parse + aggregate: the CPU-bound part of GET /api/history."""
    codes = list(codes)
    try:
        with _readable(source) as f:
            return aggregate(read_report(f, tz, codes), window, codes)
    finally:
        release_memory()
