"""Wires the engine to the outside world: its own cloud socket, its own command client, the
queue worker, the alerts worker and the loop that calls engine.tick(). Under gunicorn's gevent
worker these threads are greenlets (threading is monkey-patched); in tests they are real threads."""
from __future__ import annotations

import logging
import threading

from devicecloud.rest import CloudClient
from devicecloud.settings import Settings
from devicecloud.stream import CloudStream

from .clock import Clock, SystemClock
from .engine import RULE_PERIOD_S, Engine
from .part import Sender
from .store import StateStore

log = logging.getLogger(__name__)
DISPLAY_HTTP_TIMEOUT_S = 5.0
REPORT_CHECK_S = 30.0         # the monthly report's schedule is looked at this often


class AutomationService:
    def __init__(self, settings: Settings, *, clock: Clock | None = None, sender: Sender | None = None,
                 display_sender: Sender | None = None, with_stream: bool = True) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        if sender is None:
            sender = CloudClient(settings).command
            # Display pushes are not retried inside the call: the next period is the retry, and a
            # long retry chain would hold up a manual command queued behind it.
            quick = settings.model_copy(update={"http_retries": 0, "http_timeout_s": min(
                settings.http_timeout_s, DISPLAY_HTTP_TIMEOUT_S)})
            display_sender = display_sender or CloudClient(quick).command
        self.store = StateStore(settings.state_file, wall=self.clock.wall)
        self.engine = Engine(settings, self.store, sender, self.clock, display_sender=display_sender)
        self.alerts = self.engine.alerts
        self.stream = CloudStream(settings, self.engine.on_frame) if with_stream else None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._report_thread: threading.Thread | None = None

    @property
    def socket_connected(self) -> bool:
        return bool(self.stream and self.stream.connected)

    def start(self) -> "AutomationService":
        self.engine.queue.start()
        self.alerts.start()
        if self.stream:
            self.stream.start()
        self._thread = threading.Thread(target=self._loop, name="automation-engine", daemon=True)
        self._thread.start()
        # Its own worker: composing a report waits on the gateway, which must not hold up the engine.
        self._report_thread = threading.Thread(target=self._report_loop, name="monthly-report", daemon=True)
        self._report_thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.engine.wake.set()
        if self.stream:
            self.stream.stop()
        self.engine.queue.stop()
        self.alerts.stop()
        for t in (self._thread, self._report_thread):
            if t:
                t.join(5)

    def _report_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.engine.reports.step()
            except Exception:   # a bug in one step must not stop the schedule
                log.exception("monthly report step failed")
            self._stop.wait(REPORT_CHECK_S)

    def _loop(self) -> None:
        engine, clock = self.engine, self.clock
        while not self._stop.is_set():
            engine.wake.clear()
            try:
                next_at = engine.tick()
            except Exception:   # a bug in one tick must not stop automation
                log.exception("engine tick failed")
                next_at = clock.mono() + RULE_PERIOD_S
            wait = next_at - clock.mono()
            if wait > 0:
                engine.wake.wait(min(wait, RULE_PERIOD_S))
