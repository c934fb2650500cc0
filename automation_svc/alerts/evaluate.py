"""Judging the inputs into transitions: frames (threshold, impact, offline-resolve), relay
command results (relay_failed) and the clock (offline, holds that ran out between frames,
repeats). Times are this console's arrival times, never a frame's `ts`. The caller holds the
alerts lock; audits and saves are collected in Effects."""
from __future__ import annotations

from dataclasses import dataclass

from devicecloud.channels import BY_CODE
from devicecloud.settings import Settings

from ..field_errors import duration
from ..latest import Latest
from ..relay_words import on_off
from . import conditions
from .rule_book import RuleBook
from .rules import Rule
from .transitions import Effects, Ledger


@dataclass(frozen=True)
class CommandResult:
    relay: str
    name: str
    state: str
    desired: int
    reason: str


class Evaluator:
    def __init__(self, settings: Settings, book: RuleBook, ledger: Ledger, holds: dict[str, float],
                 started_at: float) -> None:
        self.settings = settings
        self.book = book
        self.ledger = ledger
        self.holds = holds                     # key -> wall time the condition began
        self.started_at = started_at
        self.latest: Latest | None = None      # frames since this process started only

    def forget_holds(self, rule_id: str) -> None:
        """A changed rule starts its holds afresh."""
        for key in [k for k in self.holds if k.split(":", 1)[0] == rule_id]:
            del self.holds[key]

    # -- frames ----------------------------------------------------------------------------------
    def frame(self, ev: Latest, fx: Effects) -> None:
        at = ev.received_at
        gap = None if self.latest is None else at - self.latest.received_at
        self.latest = ev
        for rule in self.book.enabled("offline"):
            alert = self.ledger.active(rule.id)
            if alert:
                back = f"data again after {gap:.0f} s" if gap is not None else "data again"
                self.ledger.resolve(alert, back, at, fx)
        for rule in self.book.enabled("threshold") + self.book.enabled("impact"):
            self._judge(rule, ev, fx)

    def _judge(self, rule: Rule, ev: Latest, fx: Effects) -> None:
        """A threshold or impact rule against one frame: hold, fire or resolve."""
        at = ev.received_at
        if rule.kind == "threshold":
            met, cleared, v = conditions.threshold(rule, ev.frame)
            if met is None:
                return
        else:
            met, v, _ = conditions.impact(rule, ev.frame)
            if met is None:
                return
            cleared = not met
        alert = self.ledger.active(rule.id)
        if alert:
            if cleared:
                self.ledger.resolve(alert, f"back to {conditions.fmt(rule.channel, v)}", at, fx)
            return
        if not met:
            if self.holds.pop(rule.id, None) is not None:
                fx.dirty = True
            return
        start = self.holds.get(rule.id)
        if start is None:
            start = self.holds[rule.id] = at
            fx.dirty = True
        if at - start >= rule.for_s:
            self._fire_condition(rule, ev.frame, at, fx)

    def _fire_condition(self, rule: Rule, frame: dict, now: float, fx: Effects) -> None:
        self.holds.pop(rule.id, None)
        held = f" for {duration(rule.for_s)}" if rule.for_s else ""
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
        self.ledger.fire(rule, rule.id, rule.channel, v, msg, now, fx)

    # -- relay command results -------------------------------------------------------------------
    def command(self, ev: CommandResult, now: float, fx: Effects) -> None:
        for rule in self.book.enabled("relay_failed"):
            if rule.channel not in (None, ev.relay):
                continue
            key = f"{rule.id}:{ev.relay}"
            alert = self.ledger.active(key)
            if ev.state == "failed" and alert is None:
                # by the relay's own name: "Fan 2: the command to switch ON was not confirmed within 60 s"
                how = f"was {ev.reason}" if ev.reason.startswith("not ") else f"failed: {ev.reason}"
                msg = f"{ev.name}: the command to switch {on_off(ev.desired)} {how}"
                self.ledger.fire(rule, key, ev.relay, float(ev.desired), msg, now, fx)
            elif ev.state == "confirmed" and alert is not None:
                self.ledger.resolve(alert, f"{ev.name}: a later command was confirmed", now, fx)

    # -- the clock -------------------------------------------------------------------------------
    def timers(self, now: float, fx: Effects) -> None:
        self._offline(now, fx)
        self._holds(now, fx)
        self._repeats(now, fx)

    def _offline(self, now: float, fx: Effects) -> None:
        for rule in self.book.enabled("offline"):
            last = self.latest.received_at if self.latest else None
            # Without a frame since this start, count from the start: the console cannot know
            # what the unit did while it was not listening.
            silent = now - (last if last is not None else self.started_at)
            if silent >= rule.for_s and self.ledger.active(rule.id) is None:
                msg = (f"no data from the unit for {silent:.0f} s" if last is not None else
                       f"no data from the unit since the console started {silent:.0f} s ago")
                self.ledger.fire(rule, rule.id, None, round(silent, 1), msg + f" (limit {duration(rule.for_s)})",
                                 now, fx)

    def _holds(self, now: float, fx: Effects) -> None:
        latest = self.latest
        fresh = latest is not None and now - latest.received_at <= self.settings.sensor_max_age_s
        for key, start in list(self.holds.items()):
            rule = self.book.for_key(key)
            if rule is None or not rule.enabled:
                del self.holds[key]
                fx.dirty = True
            elif fresh and now - start >= rule.for_s and self.ledger.active(key) is None:
                # The hold ran out between frames: fire if the latest (fresh) frame still shows it.
                met = (conditions.threshold(rule, latest.frame)[0] if rule.kind == "threshold"
                       else conditions.impact(rule, latest.frame)[0])
                if met:
                    self._fire_condition(rule, latest.frame, now, fx)

    def _repeats(self, now: float, fx: Effects) -> None:
        for alert in self.ledger.alerts:
            if alert.state != "firing":
                continue
            rule = self.book.for_key(alert.rule_id)
            if rule and rule.repeat_s and alert.last_sent_at is not None and now - alert.last_sent_at >= rule.repeat_s:
                self.ledger.repeat(alert, now, fx)
