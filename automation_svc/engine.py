"""The coordinator: feeds the parts frames (`on_frame()`) and the clock (`tick()`), keeps one
state file for their slices, and reports health. The decisions live in the parts:
relays.py (RelayController), display_pusher.py (DisplayPusher), alerts/ (Alerts, which steps
its own timers on its worker) and audit.py (AuditLog, which every part writes to).

Nothing here sleeps or reads the system clock directly: time comes from the injected Clock,
cloud calls go through the CommandQueue, so tests drive it step by step with a FakeClock
(`clock.advance(60); engine.tick(); engine.queue.drain()`), and production calls tick() from
a loop (service.py).

Locking: each part has its own lock. A snapshot takes the store's lock, then the relays' and
the display's (so a command and its audit entry land in the same save), then alerts' on its
own; the parts call persist() with their locks released.
"""
from __future__ import annotations

import threading

from devicecloud.settings import Settings

from . import alerts
from .alerts import AlertsState
from .alerts.contact_points import SLICE as POINTS, ContactPoints, ContactPointsState
from .audit import AuditLog
from .clock import Clock
from .commands import CloudCalls, CommandQueue
from .display_pusher import DisplayPusher
from .latest import Latest
from .models import DisplayConfig, RelayRecord, StateFile, Who, default_relays
from .part import Sender, Wiring
from .relays import RelayController
from .report.gateway_client import GatewayClient
from .report.monthly import MonthlyReport
from .report.schedule import SLICE as SCHEDULE, ReportSchedule, ScheduleState
from .store import StateStore

RULE_PERIOD_S = 1.0           # how often rules are re-evaluated without a new frame


class EngineState(StateFile):
    """The whole state file: the engine's parts and the alerts' slice, validated in one pass.
    The store sets a bad alerts slice aside on its own, so damage there costs only the alerts."""
    alerts: AlertsState | None = None
    contact_points: ContactPointsState | None = None
    report_schedule: ScheduleState | None = None


class Engine:
    def __init__(self, settings: Settings, store: StateStore, sender: Sender, clock: Clock, *,
                 display_sender: Sender | None = None, queue: CommandQueue | None = None) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.queue = queue or CommandQueue()
        self.wake = threading.Event()        # set when a frame or a change wants a tick now
        self.latest: Latest | None = None
        self.frames = 0
        self.cloud = CloudCalls(clock.wall)

        loaded = store.load(EngineState.model_validate, separable=(alerts.SLICE, POINTS, SCHEDULE))
        records: dict[str, RelayRecord] = default_relays()
        display_cfg = DisplayConfig()
        self.audit = AuditLog(settings.audit_max)
        if loaded is not None:
            records.update(loaded.relays)
            display_cfg = loaded.display
            self.audit = AuditLog(settings.audit_max, loaded.audit, loaded.audit_seq)
        wiring = Wiring(clock, self.queue, self.audit, self.cloud, save=self.persist, wake=self.wake.set)
        self.relays = RelayController(settings, wiring, sender, records)
        self.display = DisplayPusher(settings, wiring, display_sender or sender, display_cfg)
        # Contact points build the channel objects the alerts' outbox reads (and rebuild them live).
        self.contact_points = ContactPoints(settings, loaded.contact_points if loaded else None,
                                            audit=self.record, save=self.persist)
        self.alerts = alerts.Alerts(settings, clock, audit=self.record, save=self.persist,
                                    state=loaded.alerts if loaded is not None else None,
                                    channels=self.contact_points.channels)
        self.contact_points.on_change = self.alerts.outbox.reconfigured
        self.relays.listeners.append(self.alerts.on_command_finished)
        report = MonthlyReport(settings, GatewayClient(settings.gateway_url, None),
                               relay_names=lambda: {r["id"]: r["name"] for r in self.relays.views()},
                               standard=lambda: self.display.view()["standard"])
        self.reports = ReportSchedule(report, self.alerts.outbox, clock, loaded.report_schedule if loaded else None,
                                      audit=self.record, save=self.persist,
                                      email_to=lambda: list(getattr(self.contact_points.channels["email"], "to", [])))
        if store.load_error:
            # The bad file is already kept aside (or saving is disabled), so this save is safe.
            self.audit.add(clock.wall(), "system", "state file rejected", store.load_error,
                           f"kept as {store.kept_aside}; started on defaults" if store.kept_aside
                           else "not saving until it is fixed")
            self.persist()
        alerts_problem = store.slice_errors.get(alerts.SLICE)
        if alerts_problem:
            self.record("system", "alerts state rejected", f"{alerts_problem}; started on default rules",
                        "started on default rules")
        for name in (POINTS, SCHEDULE):
            if store.slice_errors.get(name):
                self.record("system", f"{name} state rejected", store.slice_errors[name], "started on defaults")

    # -- persistence ---------------------------------------------------------------------------
    def _snapshot(self) -> dict:
        with self.relays.lock, self.display.lock:
            doc = {**self.relays.dump(), **self.display.dump(), **self.audit.dump()}
        doc[POINTS] = self.contact_points.dump()
        # Before the alerts (the outbox): a saved "report queued" mark always comes with its item.
        doc[SCHEDULE] = self.reports.dump()
        doc[alerts.SLICE] = self.alerts.dump()
        return doc

    def persist(self) -> None:
        """Save the state file now (each part calls this after a change)."""
        self.store.save(self._snapshot)

    # -- feeding the parts ---------------------------------------------------------------------
    def on_frame(self, frame: dict) -> None:
        """A live frame, stamped once with our arrival time: relays first (confirmations), then
        alerts (only queued there), both judging it by that one stamp."""
        latest = Latest(frame, self.clock.wall())
        if self.latest is None:
            self.display.show_now()
        self.latest = latest
        self.frames += 1
        self.relays.on_frame(latest)
        self.alerts.on_frame(latest)
        self.wake.set()

    def tick(self) -> float:
        """Time out and re-send commands, apply sensor/time rules, push the display when due.
        Returns the monotonic time the next tick is wanted."""
        latest = self.latest
        self.relays.tick(latest)
        display_at = self.display.tick(latest)
        next_at = self.clock.mono() + RULE_PERIOD_S
        return next_at if display_at is None else min(next_at, display_at)

    def frame_age_s(self) -> float | None:
        latest = self.latest
        return None if latest is None else latest.age_s(self.clock.wall())

    # -- audit and health ----------------------------------------------------------------------
    def record(self, who: Who, what: str, why: str, result: str) -> None:
        """Audit something that is not a command (e.g. a login)."""
        self.audit.add(self.clock.wall(), who, what, why, result)
        self.persist()

    def health(self, socket_connected: bool) -> dict:
        age = self.frame_age_s()
        state_file = self.store.status()
        fresh = age is not None and age <= self.settings.frame_stale_s
        cloud_error = self.cloud.error()
        ok = socket_connected and fresh and state_file["ok"] and cloud_error is None
        return {
            "status": "ok" if ok else "degraded",
            "upstream": {"socket_connected": socket_connected,
                         "last_frame_age_s": None if age is None else round(age, 1)},
            "state_file": state_file,
            "display": self.display.status(),
            "commands": {"pending": self.relays.pending(), "queued": self.queue.depth(),
                         "last_cloud_error": cloud_error},
        }
