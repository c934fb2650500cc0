"""One downloaded report CSV cut into unit-local days: each day's header + rows as sent (byte
runs in the spool file) and its parsed rows."""
from __future__ import annotations

import csv
import errno
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from .calendar import local_days
from .report_csv import Columns, ReportFormatError, read_report

# The spool file is read this much at a time: a day (~3 MB) or a month (~90 MB) of CSV is
# never held whole. Holding it (plus the day's bytes copied out, header + body, and a whole-
# file mmap) cost ~20 MB of peak RSS per backfilled day in the gevent worker (bench_fanout).
SCAN_BYTES = 1 << 20


def _line_ends(f: IO[bytes]) -> np.ndarray:
    """The byte offset just past each line of the file (its last line too, newline or not)."""
    parts, pos = [], 0
    while chunk := f.read(SCAN_BYTES):
        parts.append(np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10) + (pos + 1))
        pos += len(chunk)
    ends = np.concatenate(parts) if parts else np.empty(0, np.int64)
    if pos and (not len(ends) or ends[-1] != pos):
        ends = np.r_[ends, pos]
    return ends.astype(np.int64)


Lines = tuple[bytes, np.ndarray, np.ndarray]     # header, each data row's start and end offset


def _row_lines(f: IO[bytes]) -> Lines | None:
    """(header, row starts, row ends) when each row is one line (Athena's numbers never hold
    a newline); None when a quoted field spans lines or there are blank lines, which the
    slower csv-module path below handles."""
    ends = _line_ends(f)
    if not len(ends):
        return None
    starts = np.r_[0, ends[:-1]]
    if np.any(ends - starts <= 1):             # a blank line
        return None
    f.seek(0)
    return f.read(int(ends[0])), starts[1:], ends[1:]


def _row_lines_csv(f: IO[bytes]) -> Lines:
    """The same spans found by the csv module (quoted newlines, blank lines skipped). The
    rare odd report only: it reads the whole file."""
    f.seek(0)
    text = f.read().decode("utf-8")
    pos = 0
    consumed: list[int] = []

    def lines() -> Iterator[str]:
        nonlocal pos
        for line in io.StringIO(text, newline=""):
            consumed.append(pos)
            pos += len(line.encode())
            yield line
    spans: list[tuple[int, int]] = []
    reader = csv.reader(lines())
    header_end = None
    for row in reader:
        first, end = consumed[0], pos
        consumed.clear()
        if header_end is None:
            header_end = end
        elif row:
            spans.append((first, end))
    f.seek(0)
    span = np.array(spans, dtype=np.int64).reshape(-1, 2)
    return f.read(header_end or 0), span[:, 0], span[:, 1]


@dataclass(frozen=True)
class DayCsv:
    """One day's part of a downloaded report: the header and the byte runs of its rows in the
    spool file, read SCAN_BYTES at a time when stored (the spool outlives the store)."""
    path: Path
    header: bytes
    runs: tuple[tuple[int, int], ...]

    def chunks(self) -> Iterator[bytes]:
        """The header, then the day's rows as sent (a newline added after an unended last row)."""
        yield self.header
        last = b"\n"
        with open(self.path, "rb") as f:
            for start, end in self.runs:
                f.seek(start)
                while start < end:
                    piece = f.read(min(SCAN_BYTES, end - start))
                    if not piece:
                        raise OSError(errno.EIO, "the spooled report shrank")
                    start += len(piece)
                    last = piece
                    yield piece
        if not last.endswith(b"\n") and self.header.endswith(b"\n"):
            yield b"\n"

    def __bytes__(self) -> bytes:
        return b"".join(self.chunks())


def _runs(idx: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Byte runs of the rows idx (ascending): one run per stretch of consecutive rows."""
    cut = np.flatnonzero(np.diff(idx) != 1) + 1
    return tuple((int(starts[run[0]]), int(ends[run[-1]])) for run in np.split(idx, cut))


def within(cols: Columns, lo: float, hi: float) -> Columns:
    keep = (cols["ts"] >= lo) & (cols["ts"] < hi)
    return {k: v[keep] for k, v in cols.items()}


def read_rows(path: Path, tz: ZoneInfo, record_count: int | None, threads: bool = True) -> Columns:
    """A downloaded report's rows, checked against recordCount (ReportFormatError).
    threads=True (a browser waits): memory-mapped, parsed on every core; False (background):
    read block by block on this thread (the file is never mapped whole)."""
    if os.path.getsize(path) == 0:
        return {"ts": np.empty(0)}
    with (pa.memory_map(str(path)) if threads else pa.OSFile(str(path))) as source:
        cols = read_report(source, tz, threads=threads)
    rows = len(cols["ts"])
    if record_count is not None and rows != record_count:
        raise ReportFormatError(f"the report holds {rows} rows, not the {record_count} it announced")
    return cols


def split_days(path: Path, tz: ZoneInfo, record_count: int | None, threads: bool = True
               ) -> tuple[Columns, dict[int, tuple[DayCsv, Columns]]]:
    """Parse a downloaded report: its rows (Columns), and per unit-local day number the
    day's CSV (header + its rows as sent, read from `path` when stored) and its rows. A row
    without a time goes with the row before it. Raises ReportFormatError when the rows do not
    match recordCount."""
    if os.path.getsize(path) == 0:
        return {"ts": np.empty(0)}, {}
    cols = read_rows(path, tz, record_count, threads)
    rows = len(cols["ts"])
    with open(path, "rb") as f:
        found = _row_lines(f)
        if found is None or len(found[1]) != rows:
            found = _row_lines_csv(f)
    header, starts, ends = found
    if len(starts) != rows:
        raise ReportFormatError("the report's rows could not be told apart")
    days = local_days(cols["ts"], tz)
    if rows and np.isnan(days).all():
        raise ReportFormatError("no row of the report has a time")
    # a row without a time stays with the row before it (the first valid day at the start)
    valid = np.isfinite(days)
    fill = np.maximum.accumulate(np.where(valid, np.arange(rows), -1)) if rows else np.empty(0, int)
    first = int(np.flatnonzero(valid)[0]) if rows else 0
    days = days[np.where(fill >= 0, fill, first)].astype(np.int64)
    out: dict[int, tuple[DayCsv, Columns]] = {}
    for dn in np.unique(days).tolist():
        idx = np.flatnonzero(days == dn)
        out[dn] = (DayCsv(Path(path), header, _runs(idx, starts, ends)), {k: v[idx] for k, v in cols.items()})
    return cols, out
