"""The alerts and their transitions: fire, resolve, acknowledge, repeat, and the delivery notes
the outbox reports back. The caller holds the alerts lock; what a change must do after the lock
is released (audit, save) is collected in Effects."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .messages import Composer
from .models import Alert, Conflict, NotFound, Notified
from .outbox import Outbox
from .outbox_state import Item
from .rules import Rule

RECENT_MAX = 200
NOTIFIED_MAX = 20


@dataclass
class Effects:
    """What a change must do once the alerts lock is released."""
    audits: list[tuple[str, str, str, str]] = field(default_factory=list)
    dirty: bool = False


class Ledger:
    def __init__(self, alerts: list[Alert], seq: int, composer: Composer, outbox: Outbox,
                 muted: Callable[[str, float], bool] = lambda *_: False) -> None:
        self.alerts = alerts
        self.seq = seq
        self.composer = composer
        self.outbox = outbox
        self.muted = muted          # (rule id, now): a silence covers it

    def active(self, key: str) -> Alert | None:
        for a in reversed(self.alerts):
            if a.key == key and a.state != "resolved":
                return a
        return None

    def fire(self, rule: Rule, key: str, channel: str | None, value: float | None, message: str,
             now: float, fx: Effects) -> None:
        self.seq += 1
        alert = Alert(id=str(self.seq), rule_id=rule.id, key=key, name=rule.name, kind=rule.kind,
                      channel=channel, severity=rule.severity, since=round(now, 3),
                      value=None if value is None else round(value, 3),
                      message=self.composer.scrub(message), notify=list(rule.notify), last_sent_at=now,
                      announced=False)
        self.alerts.append(alert)
        self._notify(alert, "alert.firing", fx, now)
        fx.audits.append(("system", f"alert firing: {alert.name}", alert.message,
                          "firing (silenced: not sent)" if alert.silenced else "firing"))
        self._trim()

    def resolve(self, alert: Alert, why: str, now: float, fx: Effects) -> None:
        alert.state = "resolved"
        alert.resolved_at = round(now, 3)
        fx.audits.append(("system", f"alert resolved: {alert.name}", self.composer.scrub(why), "resolved"))
        self._notify(alert, "alert.resolved", fx, now)
        self._trim()

    def resolve_rule(self, rule_id: str, why: str, now: float, fx: Effects) -> None:
        for alert in [a for a in self.alerts if a.rule_id == rule_id and a.state != "resolved"]:
            self.resolve(alert, why, now, fx)

    def ack(self, alert_id: str, who: str, now: float, fx: Effects) -> dict:
        alert = next((a for a in self.alerts if a.id == alert_id), None)
        if alert is None:
            raise NotFound(alert_id)
        if alert.state == "resolved":
            raise Conflict("this alert is already resolved")
        if alert.state == "firing":
            alert.state, alert.acked_at, alert.acked_by = "acknowledged", round(now, 3), who
            fx.audits.append((who, f"alert acknowledged: {alert.name}", alert.message, "acknowledged"))
            self._notify(alert, "alert.acknowledged", fx, now)
        return alert.public()

    def repeat(self, alert: Alert, now: float, fx: Effects) -> None:
        """A still-firing alert's reminder (the rule's repeat_s)."""
        alert.last_sent_at = now
        self._notify(alert, "alert.firing", fx, now, repeat=True)

    def unsilenced(self, now: float, fx: Effects) -> None:
        """A silence ended while an alert it held back is still firing: send that alert now."""
        for alert in self.alerts:
            if alert.state == "firing" and not alert.announced and not self.muted(alert.rule_id, now):
                alert.last_sent_at = now
                self._notify(alert, "alert.firing", fx, now)

    def _notify(self, alert: Alert, event: str, fx: Effects, now: float, repeat: bool = False) -> None:
        """Queue the event on the alert's channels, unless a silence covers its rule, or nobody
        was told it fired (its firing was silenced): then it is only recorded."""
        fx.dirty = True
        if self.muted(alert.rule_id, now):
            if event == "alert.firing" and not alert.announced:
                alert.silenced = True
            return
        if event != "alert.firing" and not alert.announced:
            return
        if event == "alert.firing":
            alert.announced = True
        msg = self.composer.for_alert(event, alert.public(), repeat=repeat)
        for channel in alert.notify:
            self.outbox.put(channel, msg, alert.id)

    def _trim(self) -> None:
        resolved = [a for a in self.alerts if a.state == "resolved"]
        if len(resolved) > RECENT_MAX:
            drop = {id(a) for a in resolved[:len(resolved) - RECENT_MAX]}
            self.alerts = [a for a in self.alerts if id(a) not in drop]

    def delivered(self, item: Item, ok: bool, error: str | None, now: float, dead: bool = False) -> None:
        """Outbox result, noted on the alert: sent, retrying (a network failure; consecutive
        identical ones are noted once, with the latest time) or failed (a dead letter)."""
        alert = next((a for a in reversed(self.alerts) if a.id == item.alert_id), None)
        if alert is None:
            return
        at = round(now, 3)
        state = "sent" if ok else "failed" if dead else "retrying"
        next_at = round(item.next_at, 3) if state == "retrying" else None
        last = next((n for n in reversed(alert.notified) if n.channel == item.channel), None)
        if state == "retrying" and last is not None and last.state == "retrying" and last.error == error:
            last.at, last.next_at = at, next_at
        else:
            alert.notified.append(Notified(channel=item.channel, at=at, ok=ok, state=state, error=error,
                                           next_at=next_at))
            del alert.notified[:-NOTIFIED_MAX]

    def view(self) -> dict:
        ordered = sorted(self.alerts, key=lambda a: (a.since, int(a.id) if a.id.isdigit() else 0),
                         reverse=True)
        active = [a.public() for a in ordered if a.state != "resolved"]
        return {"active": active, "recent": [a.public() for a in ordered[:RECENT_MAX]],
                "firing": sum(1 for a in active if a["state"] == "firing")}   # the header badge

    def dump(self) -> dict:
        return {"alerts": [a.model_dump(mode="json") for a in self.alerts], "seq": self.seq}
