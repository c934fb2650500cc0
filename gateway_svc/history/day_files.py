"""The stored past days, in days/ (SPEC section 10):

- YYYY-MM-DD.csv.zst      the day's rows of the report CSV, byte for byte as the cloud sent
                          them (header + rows; zstd: ~3 MB -> ~0.5 MB, ~400 MB/s both ways);
                          /api/report.csv serves it through the same alias rewrite as the cloud's
- YYYY-MM-DD.raw.parquet  ts + each channel as float64: fine zoom (buckets under a minute)
- YYYY-MM-DD.m1.arrow     1-minute cells (rows, and per channel n/sum/min/max): week/month
- YYYY-MM-DD.m10.arrow    10-minute cells: a year is 366 x 144 cells
                          Cells are Arrow IPC (Feather) files, not Parquet: a day's 106 columns
                          read in ~0.1 ms instead of ~5 ms (Parquet decodes every column's
                          pages), which is the difference between a 0.1 s and a 2 s year
- YYYY-MM-DD.json         the manifest (manifest.py), written last; every read checks the
                          hash, and a damaged day is dropped and fetched again, never served
                          half. A day of an older format (format 1 kept no relays) gets its raw
                          and cell files rebuilt from its stored CSV on first read, without
                          asking the cloud again.
Every file is written with devicecloud.atomic_file (temp, fsync, rename), so a crash leaves
the old file or the new one, never half of one.
"""
from __future__ import annotations

import hashlib
import io
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import pyarrow as pa

from devicecloud.atomic_file import atomic_write

from . import day_codecs as codecs
from .errors import log
from .manifest import FORMAT, KINDS, Manifest, hashes
from .report_csv import Columns, read_report
from .report_split import DayCsv
from .rollups import Cells
from .set_aside import set_aside

T = TypeVar("T")
M10_CACHE_DAYS = 400        # 10-minute cells kept in memory: ~66 KB a day, ~26 MB for 400


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
            m = self._manifest(path)
            if m is not None:
                self._index[m.day] = m

    @staticmethod
    def _manifest(path: Path) -> Manifest | None:
        """The manifest in `path`, checked whole; a malformed one is set aside (None)."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            set_aside(path, exc.strerror or "unreadable")
            return None
        try:
            return Manifest.from_json(data, date.fromisoformat(path.name.removesuffix(".json")))
        except ValueError as exc:
            set_aside(path, str(exc))
            return None

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
        if data is None:
            log.warning("history store: the %s file of %s is missing; it will be fetched again", kind, day)
            self.drop(day)
        elif len(data) != want["bytes"] or hashlib.sha256(data).hexdigest() != want["sha256"]:
            self._set_aside(day, kind, "its size or hash differs from the manifest's")
            data = None
        return data

    def _set_aside(self, day: date, kind: str, why: str) -> None:
        """A malformed file of the day goes aside, the rest of the day with it (fetched again)."""
        set_aside(self.path(day, kind), why)
        self.drop(day)

    def _decoded(self, day: date, kind: str, decode: Callable[[bytes], T]) -> T | None:
        """The day's file of this kind, verified and decoded; None (set aside) when malformed."""
        data = self.read(day, kind)
        if data is None:
            return None
        try:
            return decode(data)
        except (ValueError, OSError, pa.ArrowException) as exc:
            self._set_aside(day, kind, f"unreadable: {type(exc).__name__}")
            return None

    def csv(self, day: date) -> bytes | None:
        return self._decoded(day, "csv", codecs.read_csv)

    def rows(self, day: date) -> Columns | None:
        return self._decoded(day, "raw", codecs.read_rows)

    def cells(self, day: date, cell_s: int) -> Cells | None:
        kind = codecs.CELL_KIND[cell_s]
        if kind == "m10" and day in self._m10:
            return self._m10[day]
        cells = self._decoded(day, kind, codecs.read_cells)
        if cells is None:
            return None
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
                cols = read_report(io.BytesIO(codecs.read_csv(blob)), self.tz, threads=False)
            except (ValueError, OSError, pa.ArrowException):     # ReportFormatError included
                self._set_aside(day, "csv", "its report CSV is unreadable")
                return None
            blobs = {"csv": blob, **codecs.derived(cols)}
            new = Manifest(day, m.rows, hashes(blobs), m.fetched_at)
            try:
                for kind, b in blobs.items():
                    if kind != "csv":
                        atomic_write(self.path(day, kind), b)
                atomic_write(self.folder / f"{day.isoformat()}.json", new.to_json())
            except OSError as exc:      # the old files may be gone: fetched again later
                log.error("history store: %s not upgraded: %s", day, exc.strerror)
                self.drop(day)
                return None
            with self._lock:
                self._index[day] = new
                self._m10.pop(day, None)
            log.info("history store: %s rebuilt from its stored CSV (format %d -> %d)", day, m.format, FORMAT)
            return new

    def put(self, day: date, csv_bytes: bytes | DayCsv, cols: Columns) -> Manifest:
        """Write a day: every file atomically, the manifest last. OSError (disk full) leaves
        the day absent: its files are removed."""
        blobs = {"csv": codecs.zstd(csv_bytes), **codecs.derived(cols)}
        m = Manifest(day, int(len(cols["ts"])), hashes(blobs), time.time())
        self.drop(day)                 # a day being replaced is absent until its manifest is back
        try:
            for kind, blob in blobs.items():
                atomic_write(self.path(day, kind), blob)
            atomic_write(self.folder / f"{day.isoformat()}.json", m.to_json())
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
            m = self._manifest(self.folder / f"{day.isoformat()}.json")
            with self._lock:
                self._m10.pop(day, None)
                if m is None:
                    self._index.pop(day, None)
                else:
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
