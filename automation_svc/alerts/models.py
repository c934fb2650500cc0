"""What the alerts part keeps: the alerts themselves, the delivery notes on each, and the
`alerts` slice of the state file."""
from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .outbox_state import OutboxState
from .rules import Kind, Notify, Rule, Severity, check
from .silences import Silence

AlertState = Literal["firing", "acknowledged", "resolved"]
# sent: delivered; retrying: failed on the network, tried again at next_at; failed: set aside as a
# dead letter (it cannot go as it is), or dropped with its channel.
DeliveryState = Literal["sent", "retrying", "failed"]
AuditFn = Callable[[str, str, str, str], None]     # (who, what, why, result)
SLICE = "alerts"                                   # its key in the state file


class NotFound(KeyError):
    pass


class Conflict(Exception):
    pass


class Notified(BaseModel):
    """One channel's delivery of one message about the alert, as it stands."""
    model_config = ConfigDict(extra="ignore")
    channel: str
    at: float
    ok: bool
    state: DeliveryState = "sent"
    error: str | None = None             # why not, in words
    next_at: float | None = None         # retrying: the next attempt

    @model_validator(mode="before")
    @classmethod
    def _state_from_ok(cls, data):
        """Notes saved before `state` existed: ok was sent, a failure was being retried."""
        if isinstance(data, dict) and "state" not in data and "ok" in data:
            data = {**data, "state": "sent" if data["ok"] is True else "retrying"}
        return data


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
    silenced: bool = False           # it fired during a silence: recorded, not sent
    announced: bool = True           # its firing went out (False while a silence holds it back)

    def public(self) -> dict:
        return self.model_dump(mode="json", exclude={"key", "notify", "last_sent_at", "announced"})


class AlertsState(BaseModel):
    """The `alerts` slice of the automation state file."""
    model_config = ConfigDict(extra="ignore")
    rules: list[Rule] | None = None           # None = never set: the default rules
    defaults_offered: list[str] | None = None  # default rule ids ever given (None: the first two)
    alerts: list[Alert] = Field(default_factory=list)
    holds: dict[str, float] = Field(default_factory=dict)   # key -> wall time the condition began
    seq: int = 0
    outbox: OutboxState = Field(default_factory=OutboxState)
    silences: list[Silence] = Field(default_factory=list)

    @field_validator("rules")
    @classmethod
    def _rules_make_sense(cls, rules: list[Rule] | None) -> list[Rule] | None:
        """A stored rule passes the same checks as one sent to the API (a threshold with no value
        would fail every step); FieldError is a ValueError, so the slice is set aside."""
        return None if rules is None else [check(r) for r in rules]
