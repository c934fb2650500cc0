"""What a notification says. Every message names the unit by its alias and links the console
(XO2_PUBLIC_URL); the real device id is replaced by the alias in anything that goes out,
whatever a rule name or a cloud error happened to contain."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from devicecloud.settings import Settings

EVENTS = ("alert.firing", "alert.acknowledged", "alert.resolved", "alert.summary", "test", "report.monthly")
# Never folded into the hourly summary (a summary itself; a report is no alert to summarise).
UNFOLDED = ("alert.summary", "report.monthly")
_URL = re.compile(r"\b(?:https?|wss?)://\S+")


@dataclass(frozen=True)
class Message:
    event: str                      # one of EVENTS (the webhook's `event`)
    subject: str                    # email subject; first line elsewhere
    text: str                       # plain text body, ends with the console link
    alert: dict[str, Any] | None = field(default=None)   # the alert as the API shows it
    delivery_id: str | None = None  # the outbox item's: the same on a redelivery (X-XO2-Delivery)
    html: str | None = None         # email only: an HTML alternative to `text`
    attachments: tuple[Attachment, ...] = ()   # email only
    to: tuple[str, ...] = ()        # email only: these recipients instead of the channel's


@dataclass(frozen=True)
class Attachment:
    filename: str
    mime: str                       # e.g. "text/csv"
    content: str


class Composer:
    def __init__(self, settings: Settings) -> None:
        self.alias = settings.device_alias
        self.device_id = settings.device_id
        self.tz = settings.tz
        self.link = f"{settings.public_url}/alerts"

    def scrub(self, text: str) -> str:
        """The alias for the real id, and no links but ours (a cloud error may carry one)."""
        return _URL.sub("(link removed)", text.replace(self.device_id, self.alias))

    def local(self, at: float | None) -> str:
        return datetime.fromtimestamp(at, self.tz).strftime("%Y-%m-%d %H:%M:%S %Z") if at else "-"

    def for_alert(self, event: str, alert: dict, *, repeat: bool = False) -> Message:
        state = {"alert.firing": "STILL FIRING" if repeat else "FIRING",
                 "alert.acknowledged": "ACKNOWLEDGED", "alert.resolved": "RESOLVED"}[event]
        name, severity = self.scrub(alert["name"]), alert["severity"]
        subject = f"[{severity.upper()}] {self.alias}: {name} - {state.lower()}"
        lines = [f"{state}: {name} ({severity})", f"Unit: {self.alias}",
                 self.scrub(alert["message"]), f"Since: {self.local(alert['since'])}"]
        if event == "alert.acknowledged":
            lines.append(f"Acknowledged by {alert.get('acked_by') or 'admin'} at {self.local(alert.get('acked_at'))}")
        if event == "alert.resolved":
            lines.append(f"Resolved: {self.local(alert.get('resolved_at'))}")
        lines.append(f"Open the console: {self.link}")
        public = {k: self.scrub(v) if isinstance(v, str) else v for k, v in alert.items() if k != "notified"}
        return Message(event, subject, "\n".join(lines) + "\n", public)

    def summary(self, count: int, subjects: list[str], since: float | None, cap: int) -> Message:
        subject = f"[SUMMARY] {self.alias}: {count} more notification{'s' if count != 1 else ''} (limit {cap}/hour)"
        lines = [f"The limit of {cap} notifications per hour on this channel was reached; "
                 f"{count} more were held back since {self.local(since)}:"]
        lines += [f"- {self.scrub(s)}" for s in subjects]
        if count > len(subjects):
            lines.append(f"- ... and {count - len(subjects)} more")
        lines.append(f"Open the console: {self.link}")
        return Message("alert.summary", subject, "\n".join(lines) + "\n")

    def test(self, channel: str) -> Message:
        subject = f"[TEST] {self.alias}: test notification"
        text = (f"This is a test of the {channel} channel of the XtraO2 Console for {self.alias}.\n"
                f"If you can read it, alerts will reach you here.\nOpen the console: {self.link}\n")
        return Message("test", subject, text)
