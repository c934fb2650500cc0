"""The forked child that parses a day has a deadline (issue 21, item 4): a child that hangs
(stopped here with SIGSTOP, as from outside) is killed once XO2_HISTORY_CHILD_TIMEOUT_S has
passed, its day is retried later with backoff while the backfill goes on with other days,
and a view of a day the worker is storing gets a bounded answer, never a 60 s wait."""
from __future__ import annotations

import os
import signal
import threading
from datetime import datetime
from pathlib import Path

import pytest

from gateway_svc.app import create_app
from gateway_svc.gateway import EXTENSION
from gateway_svc.history import cloud_fetch, jobs as history_jobs, priority, queues, store as history_store
from gateway_svc.history.jobs import HistoryJobs

from ..eventually import eventually
from .conftest import make_settings
from .test_gw_history_store import IST, Clock, Monotonic, Reports, month_text

CHILD_TIMEOUT_S = 1.0        # for the hung child; a healthy one then gets the default (120 s)


class Hang:
    """split_days that, while `on`, stops the forked child it runs in (its pid noted in a
    file, so the test can kill whatever the code under test left behind)."""

    def __init__(self, pids: Path) -> None:
        self.on = True
        self.pids = pids
        self.real = cloud_fetch.split_days

    def __call__(self, *args, **kwargs):
        if self.on:
            with open(self.pids, "a") as f:
                f.write(f"{os.getpid()}\n")
            os.kill(os.getpid(), signal.SIGSTOP)
        return self.real(*args, **kwargs)

    def kill_left_overs(self) -> None:
        for pid in self.pids.read_text().split() if self.pids.exists() else []:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture(autouse=True)
def no_quiet_wait(monkeypatch):
    """The worker waits VIEW_QUIET_S after a view before working; tests step it at once."""
    monkeypatch.setattr(priority, "VIEW_QUIET_S", 0.0)


@pytest.fixture
def hang(tmp_path, monkeypatch):
    h = Hang(tmp_path / "pids")
    monkeypatch.setattr(cloud_fetch, "split_days", h)
    yield h
    h.kill_left_overs()


def gateway_app(history_dir: Path):
    settings = make_settings(history_dir=history_dir, history_child_timeout_s=CHILD_TIMEOUT_S)
    app = create_app(settings, start_stream=False)
    app.extensions[EXTENSION].store.clock = Clock(datetime(2025, 11, 30, 12, 0, tzinfo=IST))
    return app


def in_thread(fn) -> dict:
    """fn() on a thread of its own (code that hangs must not hang the test); its result lands
    in the returned dict under "result" (or "error")."""
    out: dict = {}

    def run() -> None:
        try:
            out["result"] = fn()
        except BaseException as exc:        # noqa: BLE001 - shown by the test
            out["error"] = exc
    threading.Thread(target=run, daemon=True).start()
    return out


def test_a_hung_child_is_killed_and_its_day_retried_with_backoff_while_the_backfill_goes_on(
        tmp_path, cloud, monkeypatch, hang):
    reports = Reports(cloud, month_text())
    clock = Monotonic()
    monkeypatch.setattr(history_jobs, "time", clock)
    monkeypatch.setattr(history_jobs, "BACKFILL_PAUSE_S", 0.0)
    gw = gateway_app(tmp_path / "history").extensions[EXTENSION]
    jobs = HistoryJobs(gw.store, backfill_days=2)
    jobs.queue_backfill()
    first = in_thread(jobs.step)
    eventually(lambda: "result" in first or first.get("error"), what="the step with a hung child to end")
    assert first == {"result": False}
    status = gw.store.status()
    assert status["backfill"]["pending"] == 2 and status["days_stored"] == 0
    assert status["backfill"]["last_error"].startswith("2025-11-29: ") and "1 s" in status["backfill"]["last_error"]
    hang.on = False
    gw.store.fetcher.child_timeout_s = 120.0      # a loaded machine may take over 1 s for a real day

    failed_at = clock.now
    assert jobs.step() is False and len(reports.asked) == 1               # resting after a failure
    clock.now += history_jobs.RETRY_S
    assert jobs.step() and reports.asked[-1] == ("2025-11-28", "2025-11-28")   # the next day goes on
    assert queues.DAY_BACKOFF_S > history_jobs.RETRY_S
    assert jobs.step() is False and gw.store.status()["backfill"]["pending"] == 1   # 29th: backing off
    clock.now = failed_at + queues.DAY_BACKOFF_S
    assert jobs.step() and reports.asked[-1] == ("2025-11-29", "2025-11-29")
    status = gw.store.status()
    assert (status["days_stored"], status["backfill"]["pending"], status["backfill"]["last_error"]) == (2, 0, None)
    # and the daily job still runs: yesterday, after unit-local midnight, fetched at the next step
    gw.store.clock.now = datetime(2025, 12, 1, 0, 20, tzinfo=IST).timestamp()
    assert jobs.daily() and jobs.step() and reports.asked[-1] == ("2025-11-30", "2025-11-30")


def test_a_view_of_a_day_being_stored_by_a_hung_child_answers_without_waiting_for_it(
        tmp_path, cloud, auth, monkeypatch, hang):
    reports = Reports(cloud, month_text())
    app = gateway_app(tmp_path / "history")
    gw, client = app.extensions[EXTENSION], app.test_client()
    gw.store.background = True                    # as HistoryJobs.start() sets it
    jobs = HistoryJobs(gw.store, backfill_days=0)
    # the view's own bound, shorter than the child's deadline here (5 s and 120 s by default)
    monkeypatch.setattr(history_store, "INGEST_WAIT_S", CHILD_TIMEOUT_S / 5)
    url = "/api/history?start=2025-11-20&end=2025-11-22&buckets={}"
    cold = client.get(url.format(72), headers=auth).get_json()
    assert cold["rows"] == 3 * 288 and len(reports.asked) == 1
    storing = in_thread(jobs.step)                # the worker stores the download: its child hangs
    eventually(lambda: hang.pids.exists(), what="the worker's child to start")
    answer = in_thread(lambda: client.get(url.format(60), headers=auth))
    resp = eventually(lambda: answer.get("result") or answer.get("error"), what="the view to answer")
    assert resp.status_code == 200, resp
    got = resp.get_json()
    assert got["days_pending"] == 3 and got["rows"] == 0                     # clear: they are coming
    assert len(reports.asked) == 1                                            # not fetched twice meanwhile
    eventually(lambda: "result" in storing, what="the worker's step to end at the child's deadline")
    assert gw.store.status()["backfill"]["pending"] == 3                      # given back to the backfill
    hang.on = False
    # the worker gave up on them: the next view fetches them itself, whole
    again = client.get(url.format(10), headers=auth).get_json()      # daily: not the cached 4 h
    assert (again["rows"], again["days_pending"], len(reports.asked)) == (3 * 288, 0, 2)
