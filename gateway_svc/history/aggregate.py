"""History's answer: rows and/or cells -> ~N buckets of min/mean/max per channel.

Pure functions, no Flask, no I/O but reading the given file: the store runs them in a
worker thread (coop.run_cpu); `history_from_csv` is parse + aggregate in one call."""
from __future__ import annotations

import os
from collections.abc import Iterable
from typing import IO
from zoneinfo import ZoneInfo

import numpy as np

from devicecloud.channels import BY_CODE, HISTORY_CODES

from .memory import release_memory
from .report_csv import Columns, read_report, readable
from .rollups import Cells, STATS, bucketed, cell_column, row_stats
from .window import Window


def _rounded(values: np.ndarray, digits: int) -> list[float | int | None]:
    out: list[float | int | None] = np.round(values, digits).tolist()
    if digits <= 0:
        return [None if v != v else int(v) for v in out]
    return [None if v != v else v for v in out]       # v != v is NaN


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
    return bucketed(idx, row_stats(cols, keep, codes), window.buckets)


def _cell_buckets(cells: Cells, window: Window, codes: list[str]) -> dict[str, np.ndarray]:
    t = cells["t"]
    keep = (t >= window.start_ts) & (t < window.end_ts)
    idx = ((t[keep] - window.start_ts) // window.bucket_s).astype(np.intp)
    stats = {s: np.stack([cell_column(cells, f"{c}.{s}")[keep] for c in codes]) if codes else np.empty((0, 0))
             for s in STATS}
    stats["rows"] = cells["rows"][keep]
    return bucketed(idx, stats, window.buckets)


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


def history_from_csv(source: IO[bytes] | bytes | str | os.PathLike, window: Window, tz: ZoneInfo,
                     codes: Iterable[str] = HISTORY_CODES) -> dict:
    """Parse + aggregate: the CPU-bound part of GET /api/history."""
    codes = list(codes)
    try:
        with readable(source) as f:
            return aggregate(read_report(f, tz, codes), window, codes)
    finally:
        release_memory()
