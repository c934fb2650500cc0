"""The display pusher: every period, what the unit's display should show (display.py) from the
latest fresh frame, pushed through the command queue. Owns the `display` slice of the state
file (the admin's choices) and the push schedule; the coordinator calls tick() and show_now().
"""
from __future__ import annotations

import copy
import logging
from datetime import datetime

from devicecloud.settings import Settings

from . import commands
from .display import AuditNote, Deadline, DisplayStatus, Reading, Skip, reading_for
from .latest import Latest
from .models import DisplayConfig, DisplayUpdate, Who
from .part import Part, Sender, Wiring
from .store import NotSaved

log = logging.getLogger(__name__)


class DisplayPusher(Part):
    def __init__(self, settings: Settings, wiring: Wiring, send: Sender, config: DisplayConfig) -> None:
        super().__init__(settings, wiring, send)
        self.config = config
        self.last = DisplayStatus()
        self.schedule = Deadline(self.interval_s, self.clock.mono())

    # -- settings in effect (None in the config: the XO2_DISPLAY_* setting) ------------------------
    @property
    def interval_s(self) -> float:
        return self.config.interval_s or self.settings.display_interval_s

    @property
    def max_age_s(self) -> float:
        return self.config.max_age_s or self.settings.display_max_age_s

    @property
    def standard(self) -> str:
        return self.config.standard or self.settings.display_standard

    # -- driven by the coordinator ---------------------------------------------------------------
    def show_now(self) -> None:
        """The first data since the start: show it right away, not a period later."""
        with self.lock:
            self.schedule.restart(self.clock.mono())

    def tick(self, latest: Latest | None) -> float | None:
        """Queue a push when one is due. Returns the monotonic time the next one is due (None
        while paused)."""
        now, mono = self.clock.wall(), self.clock.mono()
        audited = False
        with self.lock:
            if not self.config.enabled:
                return None
            if self.schedule.due(mono):
                self.schedule.advance(mono)
                audited = self._step(now, latest)
            next_at = self.schedule.next
        if audited:
            self._save()
        return next_at

    def _step(self, now: float, latest: Latest | None) -> bool:
        """Queue this period's push (lock held); True when the audit log changed."""
        frame, age = (latest.frame, latest.age_s(now)) if latest else (None, 0.0)
        try:
            reading = reading_for(frame, age, self.max_age_s, datetime.fromtimestamp(now, self.settings.tz),
                                  self.standard, self.settings.pm_size)
        except Skip as skip:
            return self._audit(now, self.last.skipped(str(skip)))
        self.queue.submit(lambda: self._push(reading), commands.DISPLAY, key="display")
        return False

    def _push(self, reading: Reading) -> None:
        """Runs on the queue worker. A failed push is not re-sent: the next period is the retry."""
        started = self.clock.wall()
        try:
            self.send(reading.values)
            error = None
        except Exception as exc:
            error = str(exc) or type(exc).__name__
            log.warning("display push failed: %s", error)
        self.cloud.record(error)
        with self.lock:
            note = (self.last.pushed(started, reading, f"every {self.interval_s:g} s") if error is None
                    else self.last.failed(error))
            audited = self._audit(started, note)
        if audited:
            self._save()

    def _audit(self, at: float, note: AuditNote | None) -> bool:
        if note is None:
            return False
        self.audit.add(at, "display", *note)
        return True

    # -- API -------------------------------------------------------------------------------------
    def view(self) -> dict:
        with self.lock:
            return {
                "enabled": self.config.enabled,
                "interval_s": self.interval_s,
                "standard": self.standard,
                "pm_size": self.settings.pm_size,
                "max_age_s": self.max_age_s,
                "last": self.last.as_dict(),
            }

    def update(self, body: DisplayUpdate, who: Who = "admin") -> dict:
        with self.lock:
            changes = {k: v for k, v in body.model_dump(exclude_unset=True).items()
                       if getattr(self.config, k) != v}
            if changes:
                before = (self.config, copy.deepcopy(self.schedule), copy.deepcopy(self.last))
                self.config = self.config.model_copy(update=changes)
                if "enabled" in changes or "interval_s" in changes:
                    self.schedule.restart(self.clock.mono(), self.interval_s)
                if not self.config.enabled:
                    self.last.skipped("paused")
                what = "display: " + ", ".join(f"{k}={v}" for k, v in changes.items())
                audit_id = self.audit.add(self.clock.wall(), who, what, "settings change", "saved")
            view = self.view()
        if changes:
            try:
                self._changed()
            except NotSaved:             # not on disk: as if it never came (issue 21)
                with self.lock:
                    self.config, self.schedule, self.last = before
                    self.audit.discard([audit_id])
                raise
        return view

    def status(self) -> dict:
        """For /health."""
        with self.lock:
            return {"enabled": self.config.enabled, "last_at": self.last.at,
                    "skipped_reason": self.last.skipped_reason, "error": self.last.error}

    def dump(self) -> dict:
        """Its slice of the state file."""
        with self.lock:
            return {"display": self.config.model_dump(mode="json")}
