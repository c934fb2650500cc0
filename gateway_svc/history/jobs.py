"""The history store's background work, one thing at a time on one thread:

1. store what a browser's request just downloaded (so the request answers first);
2. the daily job: shortly after unit-local midnight (DAILY_AT) fetch yesterday, drop days
   older than XO2_HISTORY_KEEP_DAYS and old frames files. It runs on `schedule` (the
   customer's package); schedule's own time zones need pytz, so the job runs every minute
   and acts once per unit-local day, which also makes it right across DST changes;
3. the backfill: on start, the last XO2_HISTORY_BACKFILL_DAYS days the store lacks, newest
   first, one day (one report call) at a time. It never competes with a browser: it waits
   while a browser's fetch is queued or running, and gives up a download mid-way (Yielded)
   when one arrives, trying the day again afterwards. Each day's parse and store run in a
   forked child (killed past XO2_HISTORY_CHILD_TIMEOUT_S) from the store's niced background
   thread, and the next day waits BACKFILL_PAUSE_S. A day that failed backs off (queues.py)
   while the days after it go on.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import time as dtime, timedelta

import schedule

from devicecloud.rest import CloudError

from .errors import StoreError, Yielded
from .store import HistoryStore

log = logging.getLogger(__name__)
DAILY_AT = dtime(0, 15)      # unit-local: the cloud has had a quarter hour to file yesterday
RETRY_S = 60.0               # after a failed day, wait this long before the next try
IDLE_S = 1.0
# Rest between backfilled days. A day is ~70 ms of CPU (parse, rollups, zstd; a forked child):
# back to back, a 31-day backfill against a fast cloud took the fan-out's worker from 36 to
# 102 ms of CPU per frame for ~25 s (bench_fanout); resting, it stays a few % of a core.
# A 31-day backfill takes ~30 s longer (over a plant's 1 MB/s link it takes ~90 s anyway).
BACKFILL_PAUSE_S = 1.0


class HistoryJobs:
    def __init__(self, store: HistoryStore, backfill_days: int) -> None:
        self.store = store
        self.backfill_days = backfill_days
        self.scheduler = schedule.Scheduler()
        self.scheduler.every(1).minutes.do(self.daily)
        self.last_daily: object = None          # the unit-local date the daily job last ran for
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._retry_at = 0.0
        self._backfill_at = 0.0                 # the next backfill day starts no earlier

    def queue_backfill(self) -> None:
        """The last backfill_days days the store lacks, for the background (newest first)."""
        self.store.prune()
        today = self.store.today_date()
        self.store.enqueue(today - timedelta(days=k) for k in range(1, self.backfill_days + 1))

    def start(self) -> "HistoryJobs":
        self.store.background = True
        self.queue_backfill()
        self._thread = threading.Thread(target=self._run, name="history-jobs", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.store.wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the daily job -------------------------------------------------------------------------
    def daily(self) -> bool:
        """Once per unit-local day, after DAILY_AT: queue yesterday, prune. True when it acted."""
        now = self.store.local_now()
        if now.date() == self.last_daily or now.time() < DAILY_AT:
            return False
        self.last_daily = now.date()
        self.store.prune()
        self.store.enqueue([now.date() - timedelta(days=1)])
        log.info("history store: daily job queued %s", now.date() - timedelta(days=1))
        return True

    # -- one step of work ----------------------------------------------------------------------
    def step(self) -> bool:
        """Do one piece of work; False when there was nothing to do (or a browser goes first)."""
        store = self.store
        if not store.views_quiet:
            return False
        if store.ingest_pending():
            return True
        if store.browser_waiting or time.monotonic() < self._retry_at:
            return False
        if store.today_wanted:
            return self._attempt("today", store.fetch_today)
        if time.monotonic() < self._backfill_at:
            return False
        bf = store.backfill
        day = bf.next(store.days.has, time.monotonic())
        if day is None:
            return False
        bf.running = True
        try:
            if not self._attempt(day.isoformat(), lambda: store.fetch_day(day),
                                 lambda: bf.failed(day, time.monotonic())):
                return False
        finally:
            bf.running = False
        bf.done(day)
        self._backfill_at = time.monotonic() + BACKFILL_PAUSE_S
        return True

    def _attempt(self, what: str, fetch: Callable[[], None], failed: Callable[[], None] = lambda: None) -> bool:
        """Run one fetch; False when it gave way to a browser (tried again later) or failed
        (shown as the backfill's last_error, `failed` called, nothing fetched for RETRY_S)."""
        bf = self.store.backfill
        try:
            fetch()
        except Yielded:
            return False
        except (CloudError, StoreError) as exc:
            bf.last_error = f"{what}: {exc}"
            log.warning("history store: fetching %s failed: %s", what, exc)
            self._retry_at = time.monotonic() + RETRY_S
            failed()
            return False
        bf.last_error = None
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.scheduler.run_pending()
                busy = self.step()
            except Exception:
                log.exception("history store: background job failed")
                busy = False
            if not busy:
                self.store.wake.wait(IDLE_S)
                self.store.wake.clear()
