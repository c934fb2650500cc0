"""Today, from the gateway's own socket frames: today/YYYY-MM-DD.frames.csv, appended as they
arrive and flushed at once (fsynced every few seconds), plus the cloud's rows of the part of
today the socket did not see (one report fetch per process). Gaps stay gaps: nothing is
interpolated."""
from __future__ import annotations

import csv
import io
import os
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import IO
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

from devicecloud.atomic_file import atomic_write
from devicecloud.channels import HISTORY_CODES
from devicecloud.frames import frame_ts, num

from .errors import disk_message, log
from .report_csv import Columns
from .set_aside import set_aside

COLUMNS = ["ts", *HISTORY_CODES]
FSYNC_EVERY_S = 5.0         # today's frames: a power cut loses at most this much


class TodayLog:
    """Today's rows from the gateway's own socket frames: one CSV line per frame (ts and the
    HISTORY_CODES channels), appended as it arrives and flushed at once, fsynced every few
    seconds. A file begun with other columns (before the relays were kept) is rewritten with
    today's header, its old rows kept (the missing values empty), when next opened."""

    def __init__(self, folder: Path, tz: ZoneInfo, gap_s: float) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.tz = tz
        self.gap_s = gap_s
        self.error: str | None = None
        self._file: IO[str] | None = None
        self._day: date | None = None
        self._synced = 0.0
        self._lock = threading.Lock()
        self._checked: set[Path] = set()       # files this process has checked (_ready)
        # the cloud's rows of today, fetched once per process for the part the socket missed
        self.report: tuple[date, Columns] | None = None

    def path(self, day: date) -> Path:
        return self.folder / f"{day.isoformat()}.frames.csv"

    def _ready(self, path: Path) -> None:
        """Before this process first reads or appends to a frames file (the lock held): a
        line a crash cut is dropped, the file is checked whole (a malformed one is set
        aside: today's rows then come from the cloud's report), old columns rewritten."""
        if path in self._checked:
            return
        self._checked.add(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        keep = data.rfind(b"\n") + 1      # a crash may have cut the last line: drop its rest
        try:
            names = _read(pa.BufferReader(data[:keep])).column_names if keep else COLUMNS
            if "ts" not in names:
                raise ValueError("no ts column")
        except (ValueError, pa.ArrowException) as exc:      # ArrowInvalid is a ValueError too
            set_aside(path, str(exc).splitlines()[0][:120])
            return
        if keep != len(data):
            with open(path, "r+b") as f:
                f.truncate(keep)
        if keep and names != COLUMNS:
            _rewrite_columns(path, COLUMNS)

    def _open(self, day: date) -> IO[str]:
        path = self.path(day)
        self._ready(path)
        new = not path.exists() or path.stat().st_size == 0
        f = open(path, "a", encoding="utf-8")
        if new:
            f.write(",".join(COLUMNS) + "\n")
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
                self.error = disk_message(exc)
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
        self._flushed(path)
        if path.exists() and path.stat().st_size:
            table = _read(path)
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
        self._flushed(path)
        if not path.exists() or not path.stat().st_size:
            return np.empty(0)
        table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
            include_columns=["ts"], column_types={"ts": pa.float64()}))
        ts = table.column("ts").to_numpy(zero_copy_only=False)
        return ts[np.isfinite(ts)]

    def _flushed(self, path: Path) -> None:
        """The file as appended so far, checked once."""
        with self._lock:
            self._ready(path)
            if self._file is not None:
                self._file.flush()

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


def _read(source: Path | pa.BufferReader) -> pa.Table:
    return pcsv.read_csv(source, convert_options=pcsv.ConvertOptions(
        column_types={c: pa.float64() for c in COLUMNS}))


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
