"""The history store (SPEC section 10): each whole past unit-local day is fetched from the
cloud's report once, ever, and kept under XO2_HISTORY_DIR.

Per day, in days/:
- YYYY-MM-DD.csv.zst      the day's rows of the report CSV, byte for byte as the cloud sent
                          them (header + rows; zstd: ~3 MB -> ~0.5 MB, ~400 MB/s both ways);
                          /api/report.csv serves it through the same alias rewrite as the cloud's
- YYYY-MM-DD.raw.parquet  ts + each channel as float64: fine zoom (buckets under a minute)
- YYYY-MM-DD.m1.arrow     1-minute cells (rows, and per channel n/sum/min/max): week/month
- YYYY-MM-DD.m10.arrow    10-minute cells: a year is 366 x 144 cells
                          Cells are Arrow IPC (Feather) files, not Parquet: a day's 106 columns
                          read in ~0.1 ms instead of ~5 ms (Parquet decodes every column's
                          pages), which is the difference between a 0.1 s and a 2 s year
- YYYY-MM-DD.json         the manifest: rows, and each file's size and sha256. Written last,
                          so a day without one does not exist; every read checks the hash,
                          and a damaged day is dropped and fetched again, never served half.
                          Its "format" is FORMAT: a day of an older format (format 1 kept no
                          relays) gets its raw and cell files rebuilt from its stored CSV on
                          first read, without asking the cloud again.
Every file is written to a temp file, fsynced and renamed (os.replace), so a crash leaves the
old file or the new one, never half of one; a disk-full error (ENOSPC) removes what was
written and is reported (`error`, shown by /api/health and the Analytics page).

Today lives in today/YYYY-MM-DD.frames.csv: the gateway's own socket frames, appended as they
arrive and flushed at once (fsynced every few seconds), plus one report fetch per process for
the part of today the socket did not see. Gaps stay gaps: nothing is interpolated.
"""
from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, TypeVar
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.feather as feather
import pyarrow.parquet as pq

from devicecloud.channels import HISTORY_CODES
from devicecloud.frames import frame_ts, num
from devicecloud.rest import CloudError
from service_kit.coop import CpuLane, run_cpu

from .forked import ChildDied, run_forked

from .history import (Cells, Columns, ReportFormatError, Window, aggregate,
                      aggregate_cells, concat_cells, read_report, release_memory, to_cells)

log = logging.getLogger(__name__)
T = TypeVar("T")
FORMAT = 2      # the stored days' layout: 2 = sensors and relays i1..i8 (1: sensors only)
KINDS = {"csv": ".csv.zst", "raw": ".raw.parquet", "m1": ".m1.arrow", "m10": ".m10.arrow"}
# m10 uncompressed (66 KB a day), m1 lz4 (~0.7 MB -> ~0.25 MB a day, still ~1 ms to read)
CELL_COMPRESSION = {"m1": "lz4", "m10": "uncompressed"}
CELL_KIND = {60: "m1", 600: "m10"}
# A view missing at most this many days fetches them itself (a cold month: one report call);
# one missing more answers at once with what is stored and leaves the rest to the background
# (a year on a plant's 1 MB/s link would otherwise keep the page waiting ~20 minutes).
SYNC_MAX_DAYS = 31
VIEW_QUIET_S = 1.0          # background work starts this long after the last view
FSYNC_EVERY_S = 5.0         # today's frames: a power cut loses at most this much
M10_CACHE_DAYS = 400        # 10-minute cells kept in memory: ~66 KB a day, ~26 MB for 400
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
# The background's CPU work (backfill, daily job, storing a browser's download) runs in a
# forked child (forked.py) started from one OS thread of its own at this nice level, never
# on the hub's pool: on a busy 2-core box the kernel runs the hub (every browser socket)
# first. A 31-day backfill took the gateway worker from 109 to 162 MB (VmHWM) on the hub's
# pool threads, 146 on one thread with its memory released after each day, 136 with glibc
# for Arrow (gateway_svc/__init__.py), and stays at its start forked (the child's ~20 MB go
# when it exits); bench_fanout's first window with the backfill: 194 MB before, 177 threaded.
BACKGROUND_NICE = 10


class StoreError(Exception):
    """The store could not write (disk full, permissions); the message is for the admin."""


class Yielded(Exception):
    """A background download gave way to a browser's request."""


def _disk_message(exc: OSError) -> str:
    if exc.errno in DISK_FULL:
        return "the history store's disk is full (XO2_HISTORY_DIR): free some space"
    return f"the history store cannot write to XO2_HISTORY_DIR ({exc.strerror or type(exc).__name__})"


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """path holds the old bytes or `data`, never part of either (temp + fsync + rename)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def day_range(start: date, end: date) -> list[date]:
    return [start + timedelta(days=k) for k in range((end - start).days + 1)]


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


EPOCH = date(1970, 1, 1)


def day_number(day: date) -> int:
    return (day - EPOCH).days


# -- one report CSV cut into unit-local days ----------------------------------------------------
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


def _within(cols: Columns, lo: float, hi: float) -> Columns:
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


# -- the files of one day -----------------------------------------------------------------------
def _parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def _zstd(data: bytes | DayCsv) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        for piece in data.chunks() if isinstance(data, DayCsv) else [data]:
            out.write(piece)
    return sink.getvalue().to_pybytes()


def _unzstd(data: bytes) -> bytes:
    with pa.CompressedInputStream(pa.BufferReader(data), "zstd") as f:
        return f.read()


def _table(cols: dict[str, np.ndarray]) -> pa.Table:
    return pa.table({k: pa.array(v) for k, v in cols.items()})


def _numpy(table: pa.Table) -> dict[str, np.ndarray]:
    return {name: table.column(name).to_numpy() for name in table.column_names}


def _arrow(table: pa.Table, compression: str) -> bytes:
    """An Arrow IPC file (= Feather V2, read by feather.read_table), compressed on this
    thread (write_feather compresses on Arrow's pool: other threads' memory)."""
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression=None if compression == "uncompressed" else compression,
                                      use_threads=False)
    with pa.ipc.new_file(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


@dataclass(frozen=True)
class Manifest:
    day: date
    rows: int
    files: dict[str, dict]          # kind -> {"bytes", "sha256"}
    fetched_at: float
    format: int = FORMAT

    @property
    def bytes(self) -> int:
        return sum(f["bytes"] for f in self.files.values())

    def to_json(self) -> bytes:
        return json.dumps({"format": self.format, "day": self.day.isoformat(), "rows": self.rows,
                           "files": self.files, "fetched_at": self.fetched_at}, indent=1).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        doc = json.loads(data)
        files = doc["files"]
        if set(files) != set(KINDS) or not all(isinstance(f.get("sha256"), str) for f in files.values()):
            raise ValueError("incomplete manifest")
        return cls(date.fromisoformat(doc["day"]), int(doc["rows"]), files, float(doc["fetched_at"]),
                   int(doc.get("format", 1)))


def _hashes(blobs: dict[str, bytes]) -> dict[str, dict]:
    return {k: {"bytes": len(b), "sha256": hashlib.sha256(b).hexdigest()} for k, b in blobs.items()}


class DayFiles:
    """The stored past days: write one atomically, read one verified, drop, prune."""

    def __init__(self, folder: Path, tz: ZoneInfo | None = None) -> None:
        self.folder = folder
        self.tz = tz                    # to re-read an old-format day's CSV (None: served as is)
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._upgrade_lock = threading.Lock()
        self._index: dict[date, Manifest] = {}
        self._m10: dict[date, Cells] = {}       # past days never change: cache their coarsest cells
        for tmp in folder.glob(".*.tmp"):          # a crash mid-write: the half file goes
            tmp.unlink(missing_ok=True)
        for path in folder.glob("*.json"):
            try:
                m = Manifest.from_json(path.read_bytes())
                if path.name != f"{m.day.isoformat()}.json":
                    raise ValueError("misnamed")
            except (ValueError, KeyError, TypeError, OSError):
                log.warning("history store: unreadable manifest %s dropped", path.name)
                path.unlink(missing_ok=True)
                continue
            self._index[m.day] = m

    def path(self, day: date, kind: str) -> Path:
        return self.folder / f"{day.isoformat()}{KINDS[kind]}"

    def has(self, day: date) -> bool:
        return day in self._index

    def manifests(self) -> list[Manifest]:
        with self._lock:
            return sorted(self._index.values(), key=lambda m: m.day)

    def read(self, day: date, kind: str) -> bytes | None:
        """A stored file's bytes, verified against the manifest; None (and the day dropped,
        so it is fetched again) when missing, truncated or damaged."""
        m = self._index.get(day)
        if m is not None and m.format < FORMAT and kind != "csv" and self.tz is not None:
            m = self._upgraded(day)
        if m is None:
            return None
        try:
            data = self.path(day, kind).read_bytes()
        except OSError:
            data = None
        want = m.files[kind]
        if data is None or len(data) != want["bytes"] or hashlib.sha256(data).hexdigest() != want["sha256"]:
            log.warning("history store: %s of %s is missing or damaged; it will be fetched again", kind, day)
            self.drop(day)
            return None
        return data

    def csv(self, day: date) -> bytes | None:
        data = self.read(day, "csv")
        if data is None:
            return None
        try:
            return _unzstd(data)
        except (OSError, pa.ArrowException):
            self.drop(day)
            return None

    def rows(self, day: date) -> Columns | None:
        data = self.read(day, "raw")
        return None if data is None else _numpy(pq.read_table(pa.BufferReader(data)))

    def cells(self, day: date, cell_s: int) -> Cells | None:
        kind = CELL_KIND[cell_s]
        if kind == "m10" and day in self._m10:
            return self._m10[day]
        data = self.read(day, kind)
        if data is None:
            return None
        cells = _numpy(feather.read_table(pa.BufferReader(data), use_threads=False))
        if kind == "m10":
            with self._lock:
                if len(self._m10) >= M10_CACHE_DAYS:
                    self._m10.pop(next(iter(self._m10)))
                self._m10[day] = cells
        return cells

    def _upgraded(self, day: date) -> Manifest | None:
        """An old-format day's raw and cell files rebuilt from its stored CSV (no cloud call),
        its CSV file kept as it is. Every reader of an old-format day waits here, so none
        checks a new file against the old manifest. None (day dropped) if the CSV is damaged."""
        with self._upgrade_lock:
            m = self._index.get(day)
            if m is None or m.format >= FORMAT:
                return m
            blob = self.read(day, "csv")
            if blob is None:
                return None
            try:
                cols = read_report(io.BytesIO(_unzstd(blob)), self.tz, threads=False)
            except (ReportFormatError, OSError, pa.ArrowException):
                log.warning("history store: the stored CSV of %s is unreadable; it will be fetched again", day)
                self.drop(day)
                return None
            blobs = {"csv": blob, **self._derived(cols)}
            new = Manifest(day, m.rows, _hashes(blobs), m.fetched_at)
            try:
                for kind, b in blobs.items():
                    if kind != "csv":
                        atomic_write(self.path(day, kind), b)
                atomic_write(self.folder / f"{day.isoformat()}.json", new.to_json())
                _fsync_dir(self.folder)
            except OSError as exc:      # the old files may be gone: fetched again later
                log.error("history store: %s not upgraded: %s", day, exc.strerror)
                self.drop(day)
                return None
            with self._lock:
                self._index[day] = new
                self._m10.pop(day, None)
            log.info("history store: %s rebuilt from its stored CSV (format %d -> %d)", day, m.format, FORMAT)
            return new

    @staticmethod
    def _derived(cols: Columns) -> dict[str, bytes]:
        """The raw and cell files of a day's rows (every HISTORY_CODES channel)."""
        codes = list(HISTORY_CODES)
        full = {"ts": cols["ts"], **{c: cols.get(c, np.full(len(cols["ts"]), np.nan)) for c in codes}}
        blobs = {"raw": _parquet(_table(full))}
        for cell_s, kind in CELL_KIND.items():
            blobs[kind] = _arrow(_table(to_cells(full, cell_s, codes)), CELL_COMPRESSION[kind])
        return blobs

    def put(self, day: date, csv_bytes: bytes | DayCsv, cols: Columns) -> Manifest:
        """Write a day: every file atomically, the manifest last. OSError (disk full) leaves
        the day absent: its files are removed."""
        blobs = {"csv": _zstd(csv_bytes), **self._derived(cols)}
        m = Manifest(day, int(len(cols["ts"])), _hashes(blobs), time.time())
        self.drop(day)                 # a day being replaced is absent until its manifest is back
        try:
            for kind, blob in blobs.items():
                atomic_write(self.path(day, kind), blob)
            atomic_write(self.folder / f"{day.isoformat()}.json", m.to_json())
            _fsync_dir(self.folder)
        except BaseException:
            self._remove_files(day)
            raise
        with self._lock:
            self._index[day] = m
        return m

    def _remove_files(self, day: date) -> None:
        (self.folder / f"{day.isoformat()}.json").unlink(missing_ok=True)
        for kind in KINDS:
            self.path(day, kind).unlink(missing_ok=True)

    def after_fork(self) -> None:
        """In a forked child: a lock another thread held at the fork is never released here."""
        self._lock = threading.Lock()
        self._upgrade_lock = threading.Lock()

    def load(self, days: Iterable[date]) -> None:
        """Index what another process (the background's child) stored of these days."""
        for day in days:
            try:
                m = Manifest.from_json((self.folder / f"{day.isoformat()}.json").read_bytes())
            except FileNotFoundError:
                continue
            except (ValueError, KeyError, TypeError, OSError):
                log.warning("history store: unreadable manifest of %s dropped", day)
                self.drop(day)
                continue
            with self._lock:
                self._m10.pop(day, None)
                if m.day == day:
                    self._index[day] = m

    def drop(self, day: date) -> None:
        with self._lock:
            self._index.pop(day, None)
            self._m10.pop(day, None)
        self._remove_files(day)

    def prune(self, before: date) -> int:
        old = [m.day for m in self.manifests() if m.day < before]
        for day in old:
            self.drop(day)
        return len(old)


# -- today, from the socket ---------------------------------------------------------------------
class TodayLog:
    """Today's rows from the gateway's own socket frames: one CSV line per frame (ts and the
    HISTORY_CODES channels), appended as it arrives and flushed at once, fsynced every few
    seconds. A file begun with other columns (before the relays were kept) is rewritten with
    today's header, its old rows kept (the missing values empty), when next opened."""

    def __init__(self, folder: Path, tz: ZoneInfo, gap_s: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.tz = tz
        self.gap_s = gap_s
        self.clock = clock
        self.error: str | None = None
        self._file: IO[str] | None = None
        self._day: date | None = None
        self._synced = 0.0
        self._lock = threading.Lock()
        # the cloud's rows of today, fetched once per process for the part the socket missed
        self.report: tuple[date, Columns] | None = None

    def path(self, day: date) -> Path:
        return self.folder / f"{day.isoformat()}.frames.csv"

    def _open(self, day: date) -> IO[str]:
        path = self.path(day)
        if path.exists():              # a crash may have cut the last line: drop its rest
            data = path.read_bytes()
            keep = data.rfind(b"\n") + 1
            if keep != len(data):
                with open(path, "r+b") as f:
                    f.truncate(keep)
        header = ",".join(["ts", *HISTORY_CODES])
        new = not path.exists() or path.stat().st_size == 0
        if not new:
            with open(path, encoding="utf-8", newline="") as old:
                if old.readline().rstrip("\r\n") != header:
                    _rewrite_columns(path, ["ts", *HISTORY_CODES])
        f = open(path, "a", encoding="utf-8")
        if new:
            f.write(header + "\n")
        return f

    def append(self, frame: dict) -> None:
        ts = frame_ts(frame)
        if ts is None:
            return
        day = datetime.fromtimestamp(ts, self.tz).date()
        values = [num(frame.get(c)) for c in HISTORY_CODES]
        line = ",".join([repr(float(ts)), *("" if v is None else repr(v) for v in values)]) + "\n"
        with self._lock:
            try:
                if day != self._day or self._file is None:
                    if self._file is not None:
                        self._file.close()
                        self._file = None
                    self._file, self._day = self._open(day), day
                self._file.write(line)
                self._file.flush()                 # in the OS: survives a crash of this process
                now = time.monotonic()
                if now - self._synced >= FSYNC_EVERY_S:  # on disk: survives a power cut
                    os.fsync(self._file.fileno())
                    self._synced = now
                self.error = None
            except OSError as exc:
                if self.error is None:
                    log.error("history store: today's frames not saved: %s", exc.strerror)
                self.error = _disk_message(exc)
                if self._file is not None:
                    try:
                        self._file.close()
                    except OSError:
                        pass
                    self._file = None

    def rows(self, day: date) -> Columns:
        """The socket's rows of `day` (the cloud's too when fetched), sorted, one per second."""
        path = self.path(day)
        parts: list[Columns] = []
        with self._lock:
            if self._file is not None:
                self._file.flush()
        if path.exists() and path.stat().st_size:
            table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
                column_types={c: pa.float64() for c in ["ts", *HISTORY_CODES]}))
            parts.append({c: table.column(c).to_numpy(zero_copy_only=False) for c in table.column_names})
        if self.report is not None and self.report[0] == day:
            parts.append(self.report[1])
        if not parts:
            return {"ts": np.empty(0)}
        codes = list(HISTORY_CODES)
        cols = {k: np.concatenate([p.get(k, np.full(len(p["ts"]), np.nan)) for p in parts])
                for k in ["ts", *codes]}
        keep = np.isfinite(cols["ts"])
        # the socket's row first: where both have a second, keep one
        _, first = np.unique(np.floor(cols["ts"][keep]), return_index=True)
        idx = np.flatnonzero(keep)[first]
        return {k: v[idx] for k, v in cols.items()}

    def covered(self, day: date, now: float) -> bool:
        """Did the socket see all of `day` so far (no gap longer than gap_s)?"""
        ts = np.sort(self.rows_socket_ts(day))
        start = datetime.combine(day, datetime.min.time(), self.tz).timestamp()
        if not len(ts):
            return False
        gaps = np.diff(np.r_[start, ts, now])
        return bool(gaps.max() <= self.gap_s)

    def rows_socket_ts(self, day: date) -> np.ndarray:
        path = self.path(day)
        with self._lock:
            if self._file is not None:
                self._file.flush()
        if not path.exists() or not path.stat().st_size:
            return np.empty(0)
        table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
            include_columns=["ts"], column_types={"ts": pa.float64()}))
        ts = table.column("ts").to_numpy(zero_copy_only=False)
        return ts[np.isfinite(ts)]

    def prune(self, before: date) -> None:
        """Frames files of days before `before` go (those days come from the cloud's report)."""
        for path in self.folder.glob("*.frames.csv"):
            try:
                day = date.fromisoformat(path.name.split(".")[0])
            except ValueError:
                continue
            if day < before and day != self._day:
                path.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def _rewrite_columns(path: Path, names: list[str]) -> None:
    """Rewrite a frames CSV with these columns (atomically): values kept by column name, a
    column the file lacked left empty."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out = io.StringIO()
    writer = csv.DictWriter(out, names, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write(path, out.getvalue().encode())


# -- the store -----------------------------------------------------------------------------------
@dataclass
class Backfill:
    """What the background fetcher has left (newest first) and how it went."""
    pending: list[date] = field(default_factory=list)
    running: bool = False
    last_error: str | None = None


class HistoryStore:
    """Serves history and CSV days from disk; fetches what it lacks from the cloud (one report
    call per run of missing days), a browser's fetch always before the background's."""

    def __init__(self, root: Path, tz: ZoneInfo, upstream, *, keep_days: int, gap_s: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.root = Path(root)
        self.tz = tz
        self.upstream = upstream
        self.keep_days = keep_days
        self.clock = clock
        self.spool = self.root / "spool"
        self.spool.mkdir(parents=True, exist_ok=True)
        for old in self.spool.glob("*"):           # downloads a crash left behind
            old.unlink(missing_ok=True)
        self.days = DayFiles(self.root / "days", tz)
        self.today = TodayLog(self.root / "today", tz, gap_s, clock)
        self.backfill = Backfill()
        self.write_error: str | None = None
        self.background = False       # a worker ingests browsers' downloads (else inline)
        self.today_wanted = False     # a view wants today's report fetched (by the worker)
        self._ingest: list[tuple[Path, int | None, list[date]]] = []
        self._ingesting: set[date] = set()
        self._fetch = threading.Lock()             # one report download at a time
        self._browsers = 0                         # browser requests waiting for or holding it
        self._views = 0                            # history views being computed
        self._view_done = 0.0
        self._count_lock = threading.Lock()
        self.wake = threading.Event()               # the worker: something to do
        self._lane = CpuLane(1, nice=BACKGROUND_NICE)

    # -- time ---------------------------------------------------------------------------------
    def today_date(self) -> date:
        return datetime.fromtimestamp(self.clock(), self.tz).date()

    @property
    def error(self) -> str | None:
        return self.write_error or self.today.error

    # -- fetching from the cloud ----------------------------------------------------------------
    @contextmanager
    def _browser_turn(self) -> Iterator[None]:
        with self._count_lock:
            self._browsers += 1
        try:
            with self._fetch:
                yield
        finally:
            with self._count_lock:
                self._browsers -= 1

    @property
    def browser_waiting(self) -> bool:
        return self._browsers > 0

    @property
    def views_quiet(self) -> bool:
        """No view is being computed, nor was in the last VIEW_QUIET_S (its reply is still
        being encoded and sent): background CPU work waits for that, on 2 cores it halves a
        cold month's time."""
        return self._views == 0 and time.monotonic() - self._view_done >= VIEW_QUIET_S

    def _download(self, first: date, last: date, give_way: bool) -> tuple[Path, int | None]:
        """The report for unit-local days first..last into a spool file (the caller owns it)."""
        try:
            fd, name = tempfile.mkstemp(prefix="report-", suffix=".csv", dir=self.spool)
        except OSError as exc:
            self._failed_write(exc)
            raise StoreError(_disk_message(exc)) from None
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                dest: IO[bytes] = _GivingWay(f, lambda: self._browsers > 0) if give_way else f
                count = self.upstream.download_report(first, last, dest)
        except OSError as exc:
            path.unlink(missing_ok=True)
            self._failed_write(exc)
            raise StoreError(_disk_message(exc)) from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path, count

    def _failed_write(self, exc: OSError) -> None:
        self.write_error = _disk_message(exc)
        log.error("history store: %s", self.write_error)

    def _parse(self, path: Path, count: int | None) -> tuple[Columns, dict[int, tuple[DayCsv, Columns]]]:
        with self._checked():
            return run_cpu(split_days, path, self.tz, count)

    def _rows(self, path: Path, count: int | None) -> Columns:
        with self._checked():
            return run_cpu(read_rows, path, self.tz, count)

    @contextmanager
    def _checked(self) -> Iterator[None]:
        try:
            yield
        except ReportFormatError as exc:
            self.upstream.record(str(exc))
            raise CloudError(f"device cloud sent an unreadable report: {exc}") from None

    def _in_background(self, fn: Callable[..., T], *args: object) -> T:
        """fn in a forked child, from the background lane (see BACKGROUND_NICE). What the
        child changes in memory stays there: it hands back its result (or exception)."""
        try:
            return self._lane.run(run_forked, fn, *args)
        except ChildDied as exc:            # e.g. killed out of memory: retried later
            raise StoreError(str(exc)) from None

    def _split_and_store(self, path: Path, count: int | None, days: list[date]) -> None:
        """Background: parse a downloaded report and store its whole past days, in a child;
        the index learns what it wrote, the write error what went wrong."""
        try:
            self._in_background(self._split_and_store_here, path, count, days)
        except StoreError as exc:
            self.write_error = str(exc)
            raise
        else:
            self.write_error = None
        finally:
            self.days.load(days)

    def _split_and_store_here(self, path: Path, count: int | None, days: list[date]) -> None:
        self.days.after_fork()
        _, split = split_days(path, self.tz, count, threads=False)
        self._store(split, days)

    def _bounds(self, first: date, last: date) -> tuple[float, float]:
        """Epoch seconds of first's unit-local midnight and of the one after last."""
        return (datetime.combine(first, datetime.min.time(), self.tz).timestamp(),
                datetime.combine(last + timedelta(days=1), datetime.min.time(), self.tz).timestamp())

    def _store(self, split: dict[int, tuple[DayCsv, Columns]], days: Iterable[date]) -> None:
        """Write the whole past days of a parsed report (CPU and disk: a worker thread)."""
        today = self.today_date()
        for day in days:
            if day >= today:
                continue
            csv_bytes, cols = split.get(day_number(day), (None, None))
            if csv_bytes is None:      # the cloud has no row that day: keep the empty day
                csv_bytes, cols = self._header_only(split), {"ts": np.empty(0)}
            try:
                self.days.put(day, csv_bytes, cols)
                self.write_error = None
            except OSError as exc:
                self._failed_write(exc)
                raise StoreError(self.write_error) from None

    @staticmethod
    def _header_only(split: dict[int, tuple[DayCsv, Columns]]) -> bytes:
        for day_csv, _ in split.values():
            return day_csv.header
        return b""

    def fetch_day(self, day: date) -> None:
        """Background: fetch and store one past day, giving way to browsers (Yielded)."""
        with self._fetch:
            if self._browsers:
                raise Yielded()
            path, count = self._download(day, day, give_way=True)
        try:
            with self._checked():
                self._split_and_store(path, count, [day])
        finally:
            path.unlink(missing_ok=True)

    def fetch_today(self) -> None:
        """Background: the one report fetch for the part of today the socket missed (rows
        kept in memory beside the socket's), giving way to browsers (Yielded)."""
        today = self.today_date()
        with self._fetch:
            if self._browsers:
                raise Yielded()
            path, count = self._download(today, today, give_way=True)
        try:
            with self._checked():
                cols = self._in_background(read_rows, path, self.tz, count, False)
            self.today.report = (today, _within(cols, *self._bounds(today, today)))
            self.today_wanted = False
        finally:
            path.unlink(missing_ok=True)

    def ingest_pending(self) -> bool:
        """Store one browser-fetched download (the worker calls this first); False if none."""
        with self._count_lock:
            if not self._ingest:
                return False
            path, count, days = self._ingest.pop(0)
        try:
            self._split_and_store(path, count, days)
        except (ReportFormatError, StoreError) as exc:
            log.warning("history store: a fetched report was not stored: %s", exc)
        finally:
            path.unlink(missing_ok=True)
            with self._count_lock:
                self._ingesting.difference_update(days)
        return True

    # -- reading -----------------------------------------------------------------------------
    def _stored_part(self, day: date, cell_s: int | None) -> Cells | Columns | None:
        return self.days.cells(day, cell_s) if cell_s else self.days.rows(day)

    def _wait_ingesting(self, days: list[date], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._count_lock:
                if not self._ingesting.intersection(days):
                    return
            time.sleep(0.05)

    def history(self, window: Window) -> dict:
        """The window's buckets: stored days from disk, missing ones from the cloud (a run
        of missing days is one report call), today from the socket (+ one report fetch)."""
        last_past = min(window.end, self.today_date() - timedelta(days=1))
        # days a worker is storing right now: wait for them (not counted as a view, which
        # would hold the worker back)
        self._wait_ingesting(day_range(window.start, last_past) if window.start <= last_past else [])
        with self._count_lock:
            self._views += 1
        try:
            return self._history(window)
        finally:
            with self._count_lock:
                self._views -= 1
                self._view_done = time.monotonic()

    def _history(self, window: Window) -> dict:
        today = self.today_date()
        last_past = min(window.end, today - timedelta(days=1))
        past = day_range(window.start, last_past) if window.start <= last_past else []
        cell_s = window.cell_s
        parts, missing = run_cpu(self._read_days, past, cell_s)
        queued: list[date] = []
        if len(missing) > SYNC_MAX_DAYS:           # they come in the background
            queued, missing = missing, []
            self.enqueue(queued)
        want_today = window.start <= today <= window.end
        fetch = list(missing)
        today_pending = False
        if want_today and self.today.report is None and not self.today.covered(today, self.clock()):
            if self.background:        # the worker fetches it: the view answers now
                self.today_wanted = today_pending = True
                self.wake.set()
            else:
                fetch.append(today)
        fetched: list[Columns] = []
        for first, last in runs(fetch):
            fetched.append(self._fetch_for_browser(first, last, today))
        result = run_cpu(self._combine, window, parts, fetched, today if want_today else None, len(queued))
        return {**result, "today_pending": today_pending}

    def _read_days(self, days: list[date], cell_s: int | None) -> tuple[list, list[date]]:
        parts, missing = [], []
        for day in days:
            part = self._stored_part(day, cell_s)
            (missing.append(day) if part is None else parts.append(part))
        return parts, missing

    def _fetch_for_browser(self, first: date, last: date, today: date) -> Columns:
        """Download first..last for a browser's view; past days are stored (in the worker, or
        right here when there is none), today's rows kept as the part the socket missed."""
        with self._browser_turn():
            path, count = self._download(first, last, give_way=False)
        keep_spool = False
        try:
            past = [d for d in day_range(first, min(last, today - timedelta(days=1)))]
            if self.background and past:     # the view needs the rows only; the worker splits
                cols, split = self._rows(path, count), {}
            else:
                cols, split = self._parse(path, count)
            if last >= today:
                self.today.report = (today, _within(cols, *self._bounds(today, today)))
            if past:
                if self.background:
                    with self._count_lock:
                        self._ingest.append((path, count, past))
                        self._ingesting.update(past)
                    keep_spool = True
                    self.wake.set()
                else:
                    try:
                        run_cpu(self._store, split, past)
                    except StoreError:
                        pass       # the view is still served; the error shows in health
            # only the asked past days (a cloud with UTC days would add rows of its neighbours)
            return _within(cols, *self._bounds(first, min(last, today - timedelta(days=1))))
        finally:
            if not keep_spool:
                path.unlink(missing_ok=True)

    def _combine(self, window: Window, parts: list, fetched: list[Columns], today: date | None,
                 queued: int) -> dict:
        try:
            rows = list(fetched)
            if today is not None:
                rows.append(self.today.rows(today))
            cell_s = window.cell_s
            if cell_s:
                agg = aggregate_cells(concat_cells(parts), window, rows=rows)
            else:
                codes = list(HISTORY_CODES)
                every = [*parts, *rows]
                cols = {k: np.concatenate([p.get(k, np.full(len(p["ts"]), np.nan)) for p in every])
                        if every else np.empty(0) for k in ["ts", *codes]}
                agg = aggregate(cols, window)
        finally:
            release_memory()
        return {**agg, "days_pending": queued}

    # -- the CSV -----------------------------------------------------------------------------
    def csv_plan(self, start: date, end: date) -> list[tuple[str, date, date]]:
        """Pieces of the range in order: ("store", day, day) for a day held on disk (checked
        now), ("cloud", first, last) for each run of days it does not hold (today included)."""
        today = self.today_date()
        plan: list[tuple[str, date, date]] = []
        for day in day_range(start, end):
            held = day < today and self.days.has(day)
            kind = "store" if held else "cloud"
            if kind == "cloud" and plan and plan[-1][0] == "cloud" and plan[-1][2] == day - timedelta(days=1):
                plan[-1] = ("cloud", plan[-1][1], day)
            else:
                plan.append((kind, day, day))
        return plan

    def enqueue(self, days: Iterable[date]) -> None:
        """Queue past days for the background fetcher (newest first), if not held."""
        today = self.today_date()
        with self._count_lock:
            want = set(self.backfill.pending)
            want.update(d for d in days if d < today and not self.days.has(d))
            self.backfill.pending = sorted(want, reverse=True)
        self.wake.set()

    def prune(self) -> None:
        today = self.today_date()
        self.days.prune(today - timedelta(days=self.keep_days))
        self.today.prune(today - timedelta(days=1))

    def status(self) -> dict:
        ms = self.days.manifests()
        today_bytes = sum(p.stat().st_size for p in self.today.folder.glob("*.frames.csv"))
        return {"days_stored": len(ms), "oldest": ms[0].day.isoformat() if ms else None,
                "newest": ms[-1].day.isoformat() if ms else None,
                "backfill": {"pending": len(self.backfill.pending), "running": self.backfill.running,
                             "last_error": self.backfill.last_error},
                "bytes": sum(m.bytes for m in ms) + today_bytes, "error": self.error}


def runs(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days grouped: [(first, last), ...]."""
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and out[-1][1] == day - timedelta(days=1):
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


class _GivingWay:
    """A download destination that stops the download (Yielded) once a browser waits."""

    def __init__(self, f: IO[bytes], should_yield: Callable[[], bool]) -> None:
        self.f = f
        self.should_yield = should_yield

    def write(self, chunk: bytes) -> int:
        if self.should_yield():
            raise Yielded()
        return self.f.write(chunk)
