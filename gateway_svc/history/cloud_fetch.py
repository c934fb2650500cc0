"""Reports from the cloud into the store: a download spooled to disk, parsed, and its whole
past days written (in the background's forked child, or inline without a worker)."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from datetime import date
from pathlib import Path
from typing import IO, TypeVar
from zoneinfo import ZoneInfo

import numpy as np

from devicecloud.rest import CloudError
from service_kit.coop import CpuLane, run_cpu

from .calendar import day_number
from .day_files import DayFiles
from .errors import StoreError, disk_message, log
from .forked import ChildDied, run_forked
from .priority import FetchPriority
from .queues import Download
from .report_csv import Columns, ReportFormatError
from .report_split import DayCsv, read_rows, split_days

T = TypeVar("T")
# The background's CPU work (backfill, daily job, storing a browser's download) runs in a
# forked child (forked.py) started from one OS thread of its own at this nice level, never
# on the hub's pool: on a busy 2-core box the kernel runs the hub (every browser socket)
# first. A 31-day backfill took the gateway worker from 109 to 162 MB (VmHWM) on the hub's
# pool threads, 146 on one thread with its memory released after each day, 136 with glibc
# for Arrow (gateway_svc/__init__.py), and stays at its start forked (the child's ~20 MB go
# when it exits); bench_fanout's first window with the backfill: 194 MB before, 177 threaded.
BACKGROUND_NICE = 10
Split = dict[int, tuple[DayCsv, Columns]]


class Fetcher:
    def __init__(self, spool: Path, tz: ZoneInfo, upstream, days: DayFiles, priority: FetchPriority,
                 today: Callable[[], date], child_timeout_s: float) -> None:
        self.spool = spool
        self.tz = tz
        self.upstream = upstream
        self.days = days
        self.priority = priority
        self.today = today
        self.child_timeout_s = child_timeout_s     # a child still running then is killed
        self.write_error: str | None = None
        self._lane = CpuLane(1, nice=BACKGROUND_NICE)
        spool.mkdir(parents=True, exist_ok=True)
        for old in spool.glob("*"):           # downloads a crash left behind
            old.unlink(missing_ok=True)

    def download(self, first: date, last: date, give_way: bool) -> tuple[Path, int | None]:
        """The report for unit-local days first..last into a spool file (the caller owns it)."""
        try:
            fd, name = tempfile.mkstemp(prefix="report-", suffix=".csv", dir=self.spool)
        except OSError as exc:
            self._failed_write(exc)
            raise StoreError(disk_message(exc)) from None
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                dest: IO[bytes] = self.priority.giving_way(f) if give_way else f
                count = self.upstream.download_report(first, last, dest)
        except OSError as exc:
            path.unlink(missing_ok=True)
            self._failed_write(exc)
            raise StoreError(disk_message(exc)) from None
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path, count

    def _failed_write(self, exc: OSError) -> None:
        self.write_error = disk_message(exc)
        log.error("history store: %s", self.write_error)

    def parse(self, path: Path, count: int | None) -> tuple[Columns, Split]:
        with self.checked():
            return run_cpu(split_days, path, self.tz, count)

    def rows(self, path: Path, count: int | None) -> Columns:
        with self.checked():
            return run_cpu(read_rows, path, self.tz, count)

    @contextmanager
    def checked(self) -> Iterator[None]:
        try:
            yield
        except ReportFormatError as exc:
            self.upstream.record(str(exc))
            raise CloudError(f"device cloud sent an unreadable report: {exc}") from None

    def in_background(self, fn: Callable[..., T], *args: object) -> T:
        """fn in a forked child, from the background lane (see BACKGROUND_NICE). What the
        child changes in memory stays there: it hands back its result (or exception). A
        child past child_timeout_s is killed, so a hung parse never stalls the background."""
        try:
            return self._lane.run(partial(run_forked, timeout=self.child_timeout_s), fn, *args)
        except ChildDied as exc:            # killed out of memory, or at its deadline: retried later
            raise StoreError(str(exc)) from None

    def split_and_store(self, path: Path, count: int | None, days: list[date]) -> None:
        """Background: parse a downloaded report and store its whole past days, in a child;
        the index learns what it wrote, the write error what went wrong."""
        try:
            self.in_background(self._split_and_store_here, path, count, days)
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
        self.store(split, days)

    def store(self, split: Split, days: Iterable[date]) -> None:
        """Write the whole past days of a parsed report (CPU and disk: a worker thread)."""
        today = self.today()
        for day in days:
            if day >= today:
                continue
            csv_bytes, cols = split.get(day_number(day), (None, None))
            if csv_bytes is None:      # the cloud has no row that day: keep the empty day
                csv_bytes, cols = _header_only(split), {"ts": np.empty(0)}
            try:
                self.days.put(day, csv_bytes, cols)
                self.write_error = None
            except OSError as exc:
                self._failed_write(exc)
                raise StoreError(self.write_error) from None

    def fetch_day(self, day: date) -> None:
        """Background: fetch and store one past day, giving way to browsers (Yielded)."""
        with self.priority.background_turn():
            path, count = self.download(day, day, give_way=True)
        try:
            with self.checked():
                self.split_and_store(path, count, [day])
        finally:
            path.unlink(missing_ok=True)

    def fetch_rows(self, day: date) -> Columns:
        """Background: one day's report rows (today's), parsed in a child, giving way to browsers."""
        with self.priority.background_turn():
            path, count = self.download(day, day, give_way=True)
        try:
            with self.checked():
                return self.in_background(read_rows, path, self.tz, count, False)
        finally:
            path.unlink(missing_ok=True)

    def ingest(self, item: Download) -> bool:
        """Store a browser-fetched download (the spool file goes after); False if it was not."""
        try:
            self.split_and_store(item.path, item.count, item.days)
            return True
        except (ReportFormatError, StoreError) as exc:
            log.warning("history store: a fetched report was not stored: %s", exc)
            return False
        finally:
            item.path.unlink(missing_ok=True)


def _header_only(split: Split) -> bytes:
    for day_csv, _ in split.values():
        return day_csv.header
    return b""
