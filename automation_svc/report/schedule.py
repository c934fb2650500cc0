"""The monthly report's schedule (SPEC 13): on `day` at `time`, unit-local, the previous calendar
month's report goes into the persisted outbox (email), once per month.

Once: the month queued is kept in the `report_schedule` slice of the state file, and the outbox
item carries the tag `report:<month>`; a month whose tag is queued or which is marked done is
never queued again, whatever restarts happen. The engine's snapshot dumps this slice BEFORE the
alerts slice (which holds the outbox), and step() queues before it marks: so any saved state
that shows the mark also holds the item, or its delivery. A console that was off at the due
moment sends when it is back (later that month). A schedule saved after this month's due moment
starts next month (`armed_at`), so switching it on never mails last month's report at once.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from ..alerts.outbox import Outbox
from ..alerts.point_fields import ADDRESS, MAX_RECIPIENTS
from ..clock import Clock
from ..models import HHMM, FieldError
from .gateway_client import GatewayError, NeedsGateway
from .monthly import MonthlyReport, parse_month, previous_month
from .render import month_title

log = logging.getLogger(__name__)
SLICE = "report_schedule"
RETRY_S = 600.0              # the gateway or email not ready: try again in 10 min
PENDING_WAIT_S = 6 * 3600.0  # wait this long for days the gateway is still fetching, then send anyway
AuditFn = Callable[[str, str, str, str], None]


class Unavailable(Exception):
    """Nothing could be sent now (409): email not set up, or no gateway."""


class ScheduleState(BaseModel):
    model_config = ConfigDict(extra="ignore")
    enabled: bool = False
    to: list[str] = Field(default_factory=list)
    day: int = Field(1, ge=1, le=28)
    time: str = "08:00"
    armed_at: float | None = None        # saved at: a due moment before it is skipped
    done_month: str | None = None        # the last month queued by the schedule
    last_queued_at: float | None = None
    last_error: str | None = None
    retry_at: float | None = None


def parse_schedule(body: Any, old: ScheduleState) -> ScheduleState:
    if not isinstance(body, dict):
        raise FieldError(None, "send the schedule as a JSON object")
    for key in body:
        if key not in ("enabled", "to", "day", "time"):
            raise FieldError(str(key), f"{key}: not part of the schedule; use enabled, to, day and time")
    enabled = body.get("enabled", old.enabled)
    if not isinstance(enabled, bool):
        raise FieldError("enabled", "enabled must be true or false")
    to = body.get("to", old.to)
    if not isinstance(to, list) or len(to) > MAX_RECIPIENTS:
        raise FieldError("to", f"Recipients must be a list of at most {MAX_RECIPIENTS} email addresses")
    for n, addr in enumerate(to, 1):
        if not isinstance(addr, str) or not ADDRESS.fullmatch(addr.strip()):
            raise FieldError("to", f"Recipient {n} is not one email address such as manager@example.com")
    if enabled and not to:
        raise FieldError("to", "Add at least one recipient to send the monthly report to")
    day = body.get("day", old.day)
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
        raise FieldError("day", "The day must be a whole number from 1 to 28 (every month has it)")
    time = body.get("time", old.time)
    try:
        TypeAdapter(HHMM).validate_python(time, strict=True)
    except ValidationError:
        raise FieldError("time", "The time must be HH:MM in the unit's time zone, from 00:00 to 23:59") from None
    return old.model_copy(update=dict(enabled=enabled, to=list(dict.fromkeys(a.strip() for a in to)),
                                      day=day, time=time))


class ReportSchedule:
    def __init__(self, report: MonthlyReport, outbox: Outbox, clock: Clock, state: ScheduleState | None, *,
                 audit: AuditFn, save: Callable[[], None], email_to: Callable[[], list[str]],
                 commit: Callable[[list[tuple[str, str, str, str]]], None]) -> None:
        self.report = report
        self.outbox = outbox
        self.clock = clock
        self.tz = report.settings.tz
        self.state = state or ScheduleState()
        self._audit = audit
        self._save = save
        # An API change is saved with its audit entry, or raises NotSaved and is undone (issue 21).
        self._commit = commit
        self._email_to = email_to        # the email contact point's recipients (send-now default)
        self._lock = threading.RLock()
        self._step_lock = threading.Lock()    # one composition at a time

    # -- the schedule ---------------------------------------------------------------------------
    def due_at(self, local: date) -> float:
        """Epoch seconds of this month's due moment (unit-local day and time)."""
        hh, mm = (int(p) for p in self.state.time.split(":"))
        return datetime(local.year, local.month, self.state.day, hh, mm, tzinfo=self.tz).timestamp()

    def next_at(self, now: float) -> float | None:
        """When the schedule next sends (or retries); None when it is off."""
        st = self.state
        if not st.enabled:
            return None
        local = datetime.fromtimestamp(now, self.tz).date()
        due = self.due_at(local)
        if now < due:
            return due
        if not (st.armed_at and due < st.armed_at) and st.done_month != previous_month(local):
            return max(now, st.retry_at or now)           # due and not queued yet: now, or its retry
        return self.due_at((local.replace(day=1) + timedelta(days=32)).replace(day=1))

    def step(self) -> None:
        """Queue the previous month's report when it is due (the worker, or a test by hand)."""
        with self._step_lock:
            now = self.clock.wall()
            with self._lock:
                st = self.state
                if not st.enabled:
                    return
                local = datetime.fromtimestamp(now, self.tz).date()
                month, due = previous_month(local), self.due_at(local)
                if now < due or (st.armed_at and due < st.armed_at) or st.done_month == month:
                    return
                if self.outbox.tagged(f"report:{month}"):     # queued before a crash saved the mark
                    st.done_month = month
                    return
                if st.retry_at and now < st.retry_at:
                    return
                to = list(st.to)
            self._queue(month, to, now, due)

    def _queue(self, month: str, to: list[str], now: float, due: float) -> None:
        try:
            figures = self.report.figures(month, now)
            if figures.days_pending and now - due < PENDING_WAIT_S:
                raise GatewayError(f"the gateway is still fetching {figures.days_pending} days of "
                                   f"{month_title(month)} from the device cloud")
            msg = self.report.message(figures, to)
            if not self.outbox.put("email", msg, tag=f"report:{month}"):
                raise GatewayError("email is not set up: add an email contact point on the Alerts page")
        except (NeedsGateway, GatewayError) as exc:
            with self._lock:
                self.state.last_error, self.state.retry_at = str(exc), now + RETRY_S
            log.warning("monthly report for %s not queued (retry in %.0f min): %s", month, RETRY_S / 60, exc)
            self._save()
            return
        with self._lock:       # after the put: see the module's note on "once"
            st = self.state
            st.done_month, st.last_queued_at, st.last_error, st.retry_at = month, now, None, None
        self._audit("system", f"monthly report queued: {month_title(month)}", f"to {', '.join(to)}", "queued")

    # -- API ------------------------------------------------------------------------------------
    def view(self) -> dict:
        with self._lock:
            st = self.state
            return {"enabled": st.enabled, "to": list(st.to), "day": st.day, "time": st.time,
                    "timezone": self.report.settings.timezone, "next_at": self.next_at(self.clock.wall()),
                    "last_month": st.done_month, "last_queued_at": st.last_queued_at, "last_error": st.last_error}

    def update(self, body: Any, who: str = "admin") -> dict:
        with self._lock:
            new = parse_schedule(body, self.state)
            new.armed_at, new.retry_at, new.last_error = self.clock.wall(), None, None
            old, self.state = self.state, new
            what = (f"day {new.day} at {new.time} to {', '.join(new.to)}" if new.enabled else "off")
            try:
                self._commit([(who, "monthly report schedule saved", what, "saved")])
            except Exception:
                self.state = old
                raise
        return self.view()

    def send_now(self, month_raw: Any, deadline_s: float) -> dict:
        """Compose and email one month's report now (Unavailable -> 409, GatewayError or
        DeliveryError -> 502, ValueError -> 400)."""
        now = self.clock.wall()
        month = parse_month(month_raw, datetime.fromtimestamp(now, self.tz).date())
        if not self.report.gateway.available:
            raise Unavailable("the monthly report needs the gateway (XO2_GATEWAY_URL): automation runs alone here")
        email = self.outbox.channels["email"]
        if not email.configured:
            raise Unavailable("email is not set up: add an email contact point on the Alerts page first")
        with self._lock:
            to = list(self.state.to) or self._email_to()
        msg = self.report.message(self.report.figures(month, now), to)
        self.outbox.send_now("email", msg, deadline_s)
        self._audit("admin", f"monthly report sent now: {month_title(month)}", f"to {', '.join(to)}", "sent")
        return {"month": month, "sent": True, "to": to}

    def dump(self) -> dict:
        with self._lock:
            return self.state.model_dump(mode="json")

