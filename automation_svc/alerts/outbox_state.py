"""What the outbox keeps in the state file: the queued items, each channel's log and the dead
letters. Validated as a whole when the state file is read (a malformed item sets the alerts
slice aside, never a failed boot)."""
from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .headers import one_line
from .messages import Attachment, Message

MAX_DEPTH = 32           # an alert as the service writes it is 3 levels deep


def _depth(node: object, level: int = 0) -> int:
    if level > MAX_DEPTH:                # stop early: no recursion past the limit
        return level
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return max((_depth(n, level + 1) for n in node), default=level + 1)
    return level


class Item(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int
    channel: str
    event: str
    subject: str
    text: str
    alert: dict | None = None
    alert_id: str | None = None
    created_at: float
    next_at: float
    attempts: int = 0
    last_error: str | None = None
    # Sent as X-XO2-Delivery: the same on every attempt and after a restart (it is saved).
    delivery_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    html: str | None = None
    attachments: list[dict] = Field(default_factory=list)     # Attachment fields
    to: list[str] = Field(default_factory=list)
    tag: str | None = None          # what queued it, e.g. "report:2026-11" (report_schedule)

    @field_validator("subject")
    @classmethod
    def _one_line(cls, v: str) -> str:
        """It becomes a mail header: one line, whatever a rule name held (also for items queued
        by an older version)."""
        return one_line(v)

    @field_validator("alert")
    @classmethod
    def _shallow(cls, v: dict | None) -> dict | None:
        """Free-form, but what loads must save again: json.dumps gives up far above this."""
        if v is not None and _depth(v) > MAX_DEPTH:
            raise ValueError(f"alert is nested deeper than {MAX_DEPTH} levels")
        return v

    def message(self) -> Message:
        return Message(self.event, self.subject, self.text, self.alert, delivery_id=self.delivery_id,
                       html=self.html, attachments=tuple(Attachment(**a) for a in self.attachments),
                       to=tuple(self.to))


class ChannelLog(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sent: list[float] = Field(default_factory=list)     # delivery times within the last hour
    held: int = 0                                       # waiting to go out as one summary
    held_subjects: list[str] = Field(default_factory=list)
    held_since: float | None = None
    last_ok_at: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    failing_since: float | None = None                  # first failure since the last success

    def note(self, now: float, error: str | None) -> None:
        """One delivery's outcome."""
        if error is None:
            self.last_ok_at, self.last_error, self.failing_since = now, None, None
        else:
            self.last_error, self.last_error_at = error, now
            self.failing_since = self.failing_since or now


class DeadLetter(BaseModel):
    """A message set aside: it failed for a reason trying again would not change."""
    model_config = ConfigDict(extra="ignore")
    item: Item
    reason: str
    at: float

    def public(self) -> dict:
        i = self.item
        return {"id": i.id, "channel": i.channel, "event": i.event, "subject": i.subject,
                "alert_id": i.alert_id, "attempts": i.attempts, "reason": self.reason, "at": self.at}


class OutboxState(BaseModel):
    model_config = ConfigDict(extra="ignore")
    seq: int = 0
    items: list[Item] = Field(default_factory=list)
    channels: dict[str, ChannelLog] = Field(default_factory=dict)
    dead: list[DeadLetter] = Field(default_factory=list)        # oldest first
