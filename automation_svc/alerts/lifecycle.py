"""Alerts: rules evaluated against arrival-timed frames, relay command results and the clock;
each alert goes firing -> acknowledged -> resolved, audited and notified.

Inputs (any thread): on_frame() and on_command_finished() only queue an event and wake the
alerts worker, so the cloud socket and the relay controller (which calls the command listener
with its lock held) never wait for alerts. step() (the worker, or a test by hand) applies the
events and the timers. Times are this console's arrival times (the injected Clock), never a
frame's `ts`. Hold starts are stored as wall times in the state file, so a `for_s` hold that was
running continues after a restart, and a firing alert stays firing without a second "firing"
message.

Locking: the store's lock is held when dump() takes `_lock` (the state file snapshot), so
nothing here calls the engine (audit, save) while holding `_lock`.
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from devicecloud.channels import BY_CODE
from devicecloud.settings import Settings

from ..clock import Clock
from ..models import FieldError
from . import conditions
from .channels import Channel, build_channels
from .messages import Composer
from .outbox import Item, Outbox, OutboxState
from .rules import (MAX_RULES, NOTIFY_CHANNELS, Kind, Notify, Rule, Severity, default_rules, new_rule,
                    updated_rule)

log = logging.getLogger(__name__)
AlertState = Literal["firing", "acknowledged", "resolved"]
RECENT_MAX = 200
NOTIFIED_MAX = 20
STEP_S = 1.0                 # timers (offline, holds, repeats) are checked this often
AuditFn = Callable[[str, str, str, str], None]     # (who, what, why, result)


class NotFound(KeyError):
    pass


class Conflict(Exception):
    pass


class Notified(BaseModel):
    model_config = ConfigDict(extra="ignore")
    channel: str
    at: float
    ok: bool
    error: str | None = None


class Alert(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    rule_id: str
    key: str                         # rule id, plus ":<relay>" for relay_failed
    name: str
    kind: Kind
    channel: str | None = None       # the watched channel, or the relay for relay_failed
    severity: Severity
    state: AlertState = "firing"
    since: float
    resolved_at: float | None = None
    acked_at: float | None = None
    acked_by: str | None = None
    value: float | None = None
    message: str
    notify: list[Notify] = Field(default_factory=list)
    notified: list[Notified] = Field(default_factory=list)
    last_sent_at: float | None = None   # for repeat_s

    def public(self) -> dict:
        return self.model_dump(mode="json", exclude={"key", "notify", "last_sent_at"})


class AlertsState(BaseModel):
    """The `alerts` slice of the automation state file."""
    model_config = ConfigDict(extra="ignore")
    rules: list[Rule] | None = None           # None = never set: the default rules
    alerts: list[Alert] = Field(default_factory=list)
    holds: dict[str, float] = Field(default_factory=dict)   # key -> wall time the condition began
    seq: int = 0
    outbox: OutboxState = Field(default_factory=OutboxState)


@dataclass
class _Effects:
    """What a change must do once `_lock` is released."""
    audits: list[tuple[str, str, str, str]] = field(default_factory=list)
    dirty: bool = False


@dataclass(frozen=True)
class _Frame:
    frame: dict
    at: float


@dataclass(frozen=True)
class _Command:
    relay: str
    name: str
    state: str
    desired: int
    reason: str


class Alerts:
    def __init__(self, settings: Settings, clock: Clock, *, audit: AuditFn, save: Callable[[], None],
                 state: AlertsState | None = None, channels: dict[str, Channel] | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self._audit = audit
        self._save = save
        self._lock = threading.RLock()
        state = state or AlertsState()
        self.rules: list[Rule] = default_rules() if state.rules is None else list(state.rules)
        self.alerts: list[Alert] = list(state.alerts)
        self.holds: dict[str, float] = dict(state.holds)
        self.seq = state.seq
        self.composer = Composer(settings)
        self.channels = channels or build_channels(settings)
        self.outbox = Outbox(self.channels, clock, self.composer, settings.notify_max_per_hour,
                             save=self._save, state=state.outbox, on_result=self._delivered)
        self.started_at = clock.wall()
        self.latest: _Frame | None = None      # frames since this process started only
        self._events: deque[_Frame | _Command] = deque(maxlen=10_000)
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- inputs (any thread; cheap) --------------------------------------------------------------
    def on_frame(self, frame: dict) -> None:
        self._events.append(_Frame(frame, self.clock.wall()))
        self.wake.set()

    def on_command_finished(self, rec) -> None:
        """Relay controller listener (called with its lock held): a relay command confirmed/failed."""
        cmd = rec.command
        self._events.append(_Command(cmd.relay, rec.name, cmd.state, cmd.desired, cmd.reason))
        self.wake.set()

    # -- the worker ------------------------------------------------------------------------------
    def start(self) -> None:
        self.outbox.start()
        self._thread = threading.Thread(target=self._work, name="alerts", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread:
            self._thread.join(5)
        self.outbox.stop()

    def _work(self) -> None:
        while not self._stop.is_set():
            self.wake.clear()
            try:
                self.step()
            except Exception:       # a bug in one step must not stop alerting
                log.exception("alerts step failed")
            self.wake.wait(STEP_S)

    def step(self) -> None:
        """Apply queued frames and command results, then the timers."""
        fx = _Effects()
        with self._lock:
            while self._events:
                ev = self._events.popleft()
                if isinstance(ev, _Frame):
                    self._frame(ev, fx)
                else:
                    self._command(ev, fx)
            self._timers(self.clock.wall(), fx)
        self._apply(fx)

    def _apply(self, fx: _Effects) -> None:
        for entry in fx.audits:            # each audit also saves the state file
            self._audit(*entry)
        if fx.dirty and not fx.audits:
            self._save()

    # -- evaluation (lock held) ------------------------------------------------------------------
    def _active(self, key: str) -> Alert | None:
        for a in reversed(self.alerts):
            if a.key == key and a.state != "resolved":
                return a
        return None

    def _enabled(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.enabled and r.kind == kind]

    def _frame(self, ev: _Frame, fx: _Effects) -> None:
        gap = None if self.latest is None else ev.at - self.latest.at
        self.latest = ev
        for rule in self._enabled("offline"):
            alert = self._active(rule.id)
            if alert:
                back = f"data again after {gap:.0f} s" if gap is not None else "data again"
                self._resolve(alert, back, ev.at, fx)
        for rule in self._enabled("threshold") + self._enabled("impact"):
            self._judge(rule, ev, fx)

    def _judge(self, rule: Rule, ev: _Frame, fx: _Effects) -> None:
        """A threshold or impact rule against one frame: hold, fire or resolve."""
        if rule.kind == "threshold":
            met, cleared, v = conditions.threshold(rule, ev.frame)
            if met is None:
                return
        else:
            met, v, _ = conditions.impact(rule, ev.frame)
            if met is None:
                return
            cleared = not met
        alert = self._active(rule.id)
        if alert:
            if cleared:
                self._resolve(alert, f"back to {conditions.fmt(rule.channel, v)}", ev.at, fx)
            return
        if not met:
            if self.holds.pop(rule.id, None) is not None:
                fx.dirty = True
            return
        start = self.holds.get(rule.id)
        if start is None:
            start = self.holds[rule.id] = ev.at
            fx.dirty = True
        if ev.at - start >= rule.for_s:
            self._fire_condition(rule, ev.frame, ev.at, fx)

    def _fire_condition(self, rule: Rule, frame: dict, now: float, fx: _Effects) -> None:
        self.holds.pop(rule.id, None)
        held = f" for {rule.for_s:g} s" if rule.for_s else ""
        if rule.kind == "threshold":
            _, _, v = conditions.threshold(rule, frame)
            label = BY_CODE[rule.channel].label
            msg = (f"{label} is {conditions.fmt(rule.channel, v)} ({rule.op} "
                   f"{conditions.fmt(rule.channel, rule.value)}{held})")
        else:
            _, v, vi = conditions.impact(rule, frame)
            ch = BY_CODE[rule.channel]
            msg = (f"{ch.label} {conditions.fmt(ch.code, v)} is worse than {BY_CODE[ch.pair].label} "
                   f"{conditions.fmt(ch.pair, vi)}{held} ({conditions.better_words(ch.code)})")
        self._fire(rule, rule.id, rule.channel, v, msg, now, fx)

    def _command(self, ev: _Command, fx: _Effects) -> None:
        for rule in self._enabled("relay_failed"):
            if rule.channel not in (None, ev.relay):
                continue
            key = f"{rule.id}:{ev.relay}"
            alert = self._active(key)
            if ev.state == "failed" and alert is None:
                msg = (f"{ev.relay} ({ev.name}): the command to switch {'ON' if ev.desired else 'OFF'} "
                       f"failed: {ev.reason}")
                self._fire(rule, key, ev.relay, float(ev.desired), msg, self.clock.wall(), fx)
            elif ev.state == "confirmed" and alert is not None:
                self._resolve(alert, f"{ev.relay} ({ev.name}): a later command was confirmed",
                              self.clock.wall(), fx)

    def _timers(self, now: float, fx: _Effects) -> None:
        for rule in self._enabled("offline"):
            last = self.latest.at if self.latest else None
            # Without a frame since this start, count from the start: the console cannot know
            # what the unit did while it was not listening.
            silent = now - (last if last is not None else self.started_at)
            if silent >= rule.for_s and self._active(rule.id) is None:
                msg = (f"no data from the unit for {silent:.0f} s" if last is not None else
                       f"no data from the unit since the console started {silent:.0f} s ago")
                self._fire(rule, rule.id, None, round(silent, 1), msg + f" (limit {rule.for_s:g} s)", now, fx)
        latest = self.latest
        fresh = latest is not None and now - latest.at <= self.settings.sensor_max_age_s
        for key, start in list(self.holds.items()):
            rule = self._rule_or_none(key)
            if rule is None or not rule.enabled:
                del self.holds[key]
                fx.dirty = True
            elif fresh and now - start >= rule.for_s and self._active(key) is None:
                # The hold ran out between frames: fire if the latest (fresh) frame still shows it.
                met = (conditions.threshold(rule, latest.frame)[0] if rule.kind == "threshold"
                       else conditions.impact(rule, latest.frame)[0])
                if met:
                    self._fire_condition(rule, latest.frame, now, fx)
        for alert in self.alerts:
            if alert.state != "firing":
                continue
            rule = self._rule_or_none(alert.rule_id)
            if rule and rule.repeat_s and alert.last_sent_at is not None and now - alert.last_sent_at >= rule.repeat_s:
                alert.last_sent_at = now
                self._notify(alert, "alert.firing", fx, repeat=True)
                fx.dirty = True

    # -- transitions (lock held) -----------------------------------------------------------------
    def _fire(self, rule: Rule, key: str, channel: str | None, value: float | None, message: str,
              now: float, fx: _Effects) -> None:
        self.seq += 1
        alert = Alert(id=str(self.seq), rule_id=rule.id, key=key, name=rule.name, kind=rule.kind,
                      channel=channel, severity=rule.severity, since=round(now, 3),
                      value=None if value is None else round(value, 3),
                      message=self.composer.scrub(message), notify=list(rule.notify), last_sent_at=now)
        self.alerts.append(alert)
        fx.audits.append(("system", f"alert firing: {alert.name}", alert.message, "firing"))
        self._notify(alert, "alert.firing", fx)
        self._trim()

    def _resolve(self, alert: Alert, why: str, now: float, fx: _Effects) -> None:
        alert.state = "resolved"
        alert.resolved_at = round(now, 3)
        fx.audits.append(("system", f"alert resolved: {alert.name}", self.composer.scrub(why), "resolved"))
        self._notify(alert, "alert.resolved", fx)
        self._trim()

    def _notify(self, alert: Alert, event: str, fx: _Effects, repeat: bool = False) -> None:
        msg = self.composer.for_alert(event, alert.public(), repeat=repeat)
        for channel in alert.notify:
            self.outbox.put(channel, msg, alert.id)
        fx.dirty = True

    def _trim(self) -> None:
        resolved = [a for a in self.alerts if a.state == "resolved"]
        if len(resolved) > RECENT_MAX:
            drop = {id(a) for a in resolved[:len(resolved) - RECENT_MAX]}
            self.alerts = [a for a in self.alerts if id(a) not in drop]

    def _delivered(self, item: Item, ok: bool, error: str | None) -> None:
        """Outbox result: noted on the alert (consecutive identical failures are noted once)."""
        if item.alert_id is None:
            return
        with self._lock:
            alert = next((a for a in reversed(self.alerts) if a.id == item.alert_id), None)
            if alert is None:
                return
            at = round(self.clock.wall(), 3)
            last = next((n for n in reversed(alert.notified) if n.channel == item.channel), None)
            if not ok and last is not None and not last.ok and last.error == error:
                last.at = at
            else:
                alert.notified.append(Notified(channel=item.channel, at=at, ok=ok, error=error))
                del alert.notified[:-NOTIFIED_MAX]

    # -- API -------------------------------------------------------------------------------------
    def alerts_view(self) -> dict:
        with self._lock:
            ordered = sorted(self.alerts, key=lambda a: (a.since, int(a.id) if a.id.isdigit() else 0),
                             reverse=True)
            active = [a.public() for a in ordered if a.state != "resolved"]
            return {"active": active, "recent": [a.public() for a in ordered[:RECENT_MAX]],
                    "firing": sum(1 for a in active if a["state"] == "firing")}   # the header badge

    def firing_count(self) -> int:
        with self._lock:
            return sum(1 for a in self.alerts if a.state == "firing")

    def ack(self, alert_id: str, who: str = "admin") -> dict:
        fx = _Effects()
        with self._lock:
            alert = next((a for a in self.alerts if a.id == alert_id), None)
            if alert is None:
                raise NotFound(alert_id)
            if alert.state == "resolved":
                raise Conflict("this alert is already resolved")
            if alert.state == "firing":
                now = self.clock.wall()
                alert.state, alert.acked_at, alert.acked_by = "acknowledged", round(now, 3), who
                fx.audits.append((who, f"alert acknowledged: {alert.name}", alert.message, "acknowledged"))
                self._notify(alert, "alert.acknowledged", fx)
            view = alert.public()
        self._apply(fx)
        return view

    def rules_view(self) -> list[dict]:
        with self._lock:
            return [r.model_dump(mode="json") for r in self.rules]

    def _rule_or_none(self, key: str) -> Rule | None:
        rid = key.split(":", 1)[0]
        return next((r for r in self.rules if r.id == rid), None)

    def _rule(self, rule_id: str) -> Rule:
        rule = next((r for r in self.rules if r.id == rule_id), None)
        if rule is None:
            raise NotFound(rule_id)
        return rule

    def create_rule(self, body: dict, who: str = "admin") -> dict:
        rule = new_rule(body)
        fx = _Effects()
        with self._lock:
            if len(self.rules) >= MAX_RULES:
                raise FieldError(None, f"at most {MAX_RULES} alert rules; delete one first")
            self.rules.append(rule)
            fx.audits.append((who, f"alert rule created: {rule.name}", _summary(rule), "saved"))
        self._apply(fx)
        self.wake.set()
        return rule.model_dump(mode="json")

    def update_rule(self, rule_id: str, body: dict, who: str = "admin") -> dict:
        fx = _Effects()
        with self._lock:
            old = self._rule(rule_id)
            rule = updated_rule(old, body)
            if rule != old:
                self.rules[self.rules.index(old)] = rule
                self._forget(rule_id, "rule disabled" if not rule.enabled else None, fx)
                fx.audits.append((who, f"alert rule updated: {rule.name}", _summary(rule), "saved"))
        self._apply(fx)
        self.wake.set()
        return rule.model_dump(mode="json")

    def delete_rule(self, rule_id: str, who: str = "admin") -> None:
        fx = _Effects()
        with self._lock:
            rule = self._rule(rule_id)
            self.rules.remove(rule)
            self._forget(rule_id, "rule deleted", fx)
            fx.audits.append((who, f"alert rule deleted: {rule.name}", _summary(rule), "saved"))
        self._apply(fx)

    def _forget(self, rule_id: str, resolve_why: str | None, fx: _Effects) -> None:
        """A changed rule starts its holds afresh; a disabled or deleted one resolves its alerts."""
        for key in [k for k in self.holds if k.split(":", 1)[0] == rule_id]:
            del self.holds[key]
        if resolve_why:
            now = self.clock.wall()
            for alert in [a for a in self.alerts if a.rule_id == rule_id and a.state != "resolved"]:
                self._resolve(alert, resolve_why, now, fx)
        fx.dirty = True

    def notify_view(self) -> dict:
        out = {}
        for name in NOTIFY_CHANNELS:
            ch = self.channels[name]
            log_ = self.outbox.status(name)
            out[name] = {"configured": ch.configured, "last_ok_at": log_.last_ok_at,
                         "last_error": log_.last_error, "last_error_at": log_.last_error_at,
                         "target": ch.describe() if ch.configured else ch.missing(),
                         "queued": self.outbox.queued(name), "held": log_.held}
        return out

    def send_test(self, channel: str) -> None:
        """Deliver a test message now; raises DeliveryError (-> 502) or Conflict when off."""
        ch = self.channels[channel]
        if not ch.configured:
            raise Conflict(ch.missing())
        self.outbox.send_now(channel, self.composer.test(channel))

    # -- state file ------------------------------------------------------------------------------
    def dump(self) -> dict:
        with self._lock:
            return {"rules": [r.model_dump(mode="json") for r in self.rules],
                    "alerts": [a.model_dump(mode="json") for a in self.alerts],
                    "holds": {k: round(v, 3) for k, v in self.holds.items()},
                    "seq": self.seq, "outbox": self.outbox.dump()}


def _summary(rule: Rule) -> str:
    parts = [rule.kind]
    if rule.channel:
        parts.append(rule.channel)
    if rule.kind == "threshold":
        parts.append(f"{rule.op} {rule.value:g} (clear {rule.clear:g})")
    if rule.for_s:
        parts.append(f"for {rule.for_s:g} s")
    parts.append(rule.severity)
    parts.append("notify " + (", ".join(rule.notify) or "nobody"))
    if rule.repeat_s:
        parts.append(f"repeat every {rule.repeat_s:g} s")
    if not rule.enabled:
        parts.append("disabled")
    return "; ".join(parts)
