"""The history store (SPEC section 10): each whole past unit-local day is fetched from the
cloud's report once, ever, and kept under XO2_HISTORY_DIR (day_files.py); today comes from
the socket's frames (today_log.py). A disk-full error (ENOSPC) removes what was written and
is reported (`error`, shown by /api/health and the Analytics page)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from devicecloud.channels import HISTORY_CODES
from service_kit.coop import run_cpu

from . import calendar
from .aggregate import bucket_stats, summary
from .calendar import day_range, runs
from .cloud_fetch import Fetcher, Split
from .day_files import DayFiles
from .errors import StoreError
from .memory import release_memory
from .priority import FetchPriority
from .queues import Backfill, Download, IngestQueue
from .report_csv import Columns
from .report_split import within
from .rollups import Buckets, Cells, concat_cells
from .today_log import TodayLog
from .window import Window

# A view missing at most this many days fetches them itself (a cold month: one report call);
# one missing more answers at once with what is stored and leaves the rest to the background
# (a year on a plant's 1 MB/s link would otherwise keep the page waiting ~20 minutes).
SYNC_MAX_DAYS = 31
# A view waits this long for the worker to store days a view just fetched (a month: ~2-3 s);
# then it answers without them (days_pending: the page asks again), never waiting for a child
# that hangs until its deadline (XO2_HISTORY_CHILD_TIMEOUT_S).
INGEST_WAIT_S = 5.0


class HistoryStore:
    """Serves history and CSV days from disk; fetches what it lacks from the cloud (one report
    call per run of missing days), a browser's fetch always before the background's."""

    def __init__(self, root: Path, tz: ZoneInfo, upstream, *, keep_days: int, gap_s: float,
                 clock: Callable[[], float] = time.time, child_timeout_s: float = 120.0) -> None:
        self.root = Path(root)
        self.tz = tz
        self.keep_days = keep_days
        self.clock = clock
        self.days = DayFiles(self.root / "days", tz)
        self.today = TodayLog(self.root / "today", tz, gap_s)
        self.priority = FetchPriority()
        self.fetcher = Fetcher(self.root / "spool", tz, upstream, self.days, self.priority, self.today_date,
                               child_timeout_s)
        self.backfill = Backfill()
        self.ingest = IngestQueue()
        self.background = False       # a worker ingests browsers' downloads (else inline)
        self.today_wanted = False     # a view wants today's report fetched (by the worker)
        self.wake = threading.Event()               # the worker: something to do

    # -- time and state ------------------------------------------------------------------------
    def today_date(self) -> date:
        """The unit-local date now, by the store's clock: the gateway's one "today"."""
        return calendar.today(self.clock, self.tz)

    def local_now(self) -> datetime:
        """The unit-local date and time now, by the same clock."""
        return calendar.local_now(self.clock, self.tz)

    def on_frame(self, frame: dict) -> None:
        """A socket frame: into today's rows."""
        self.today.append(frame)

    @property
    def error(self) -> str | None:
        return self.fetcher.write_error or self.today.error

    @property
    def browser_waiting(self) -> bool:
        return self.priority.browser_waiting

    @property
    def views_quiet(self) -> bool:
        return self.priority.views_quiet

    # -- the background's work -------------------------------------------------------------------
    def fetch_day(self, day: date) -> None:
        self.fetcher.fetch_day(day)

    def fetch_today(self) -> None:
        """The one report fetch for the part of today the socket missed (rows kept in memory
        beside the socket's), giving way to browsers (Yielded)."""
        today = self.today_date()
        cols = self.fetcher.fetch_rows(today)
        self.today.report = (today, within(cols, *calendar.bounds(today, today, self.tz)))
        self.today_wanted = False

    def ingest_pending(self) -> bool:
        """Store one browser-fetched download (the worker calls this first); False if none."""
        item = self.ingest.pop()
        if item is None:
            return False
        try:
            stored = self.fetcher.ingest(item)
        finally:
            self.ingest.done(item)
        if not stored:                 # e.g. its child hung: the backfill retries the days
            self.enqueue(item.days)
        return True

    # -- reading -----------------------------------------------------------------------------
    def history(self, window: Window) -> dict:
        """The window's buckets as /api/history serves them: {bucket_s, t, series, rows,
        days_pending, today_pending}."""
        b, pending = self.bucket_stats(window)
        return {**run_cpu(summary, b, window), **pending}

    def bucket_stats(self, window: Window) -> tuple[Buckets, dict]:
        """The window's buckets as numbers, and {days_pending, today_pending}: stored days
        from disk, missing ones from the cloud (a run of missing days is one report call),
        today from the socket (+ one report fetch). /api/history and the people's CSV both
        come from here."""
        last_past = min(window.end, self.today_date() - timedelta(days=1))
        # days a worker is storing right now: wait a little for them (not counted as a view,
        # which would hold the worker back); those it is still storing then come later
        storing = self.ingest.wait_stored(
            day_range(window.start, last_past) if window.start <= last_past else [], INGEST_WAIT_S)
        with self.priority.view():
            return self._bucket_stats(window, storing)

    def _bucket_stats(self, window: Window, storing: set[date]) -> tuple[Buckets, dict]:
        today = self.today_date()
        last_past = min(window.end, today - timedelta(days=1))
        past = day_range(window.start, last_past) if window.start <= last_past else []
        cell_s = window.cell_s
        parts, missing = run_cpu(self._read_days, past, cell_s)
        coming = [d for d in missing if d in storing]          # the worker's: not fetched twice
        missing = [d for d in missing if d not in storing]
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
        fetched = [self._fetch_for_browser(first, last, today) for first, last in runs(fetch)]
        b = run_cpu(self._combine, window, cell_s, parts, fetched, today if want_today else None)
        return b, {"days_pending": len(queued) + len(coming), "today_pending": today_pending}

    def _read_days(self, days: list[date], cell_s: int | None) -> tuple[list, list[date]]:
        parts, missing = [], []
        for day in days:
            part: Cells | Columns | None = self.days.cells(day, cell_s) if cell_s else self.days.rows(day)
            (missing.append(day) if part is None else parts.append(part))
        return parts, missing

    def _fetch_for_browser(self, first: date, last: date, today: date) -> Columns:
        """Download first..last for a browser's view; past days are stored (in the worker, or
        right here when there is none), today's rows kept as the part the socket missed."""
        fetcher = self.fetcher
        with self.priority.browser_turn():
            path, count = fetcher.download(first, last, give_way=False)
        keep_spool = False
        try:
            past = day_range(first, min(last, today - timedelta(days=1)))
            split: Split = {}
            if self.background and past:     # the view needs the rows only; the worker splits
                cols = fetcher.rows(path, count)
            else:
                cols, split = fetcher.parse(path, count)
            if last >= today:
                self.today.report = (today, within(cols, *calendar.bounds(today, today, self.tz)))
            if past:
                if self.background:
                    self.ingest.put(Download(path, count, past))
                    keep_spool = True
                    self.wake.set()
                else:
                    try:
                        run_cpu(fetcher.store, split, past)
                    except StoreError:
                        pass       # the view is still served; the error shows in health
            # only the asked past days (a cloud with UTC days would add rows of its neighbours)
            return within(cols, *calendar.bounds(first, min(last, today - timedelta(days=1)), self.tz))
        finally:
            if not keep_spool:
                path.unlink(missing_ok=True)

    def _combine(self, window: Window, cell_s: int | None, parts: list, fetched: list[Columns],
                 today: date | None) -> Buckets:
        try:
            rows = list(fetched)
            if today is not None:
                rows.append(self.today.rows(today))
            if cell_s:
                return bucket_stats(concat_cells(parts), window, rows=rows)
            codes = list(HISTORY_CODES)
            every = [*parts, *rows]
            cols = {k: np.concatenate([p.get(k, np.full(len(p["ts"]), np.nan)) for p in every])
                    if every else np.empty(0) for k in ["ts", *codes]}
            return bucket_stats(None, window, rows=[cols])
        finally:
            release_memory()

    # -- the CSV, the queue, housekeeping ------------------------------------------------------------
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
        self.backfill.add(d for d in days if d < today and not self.days.has(d))
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
