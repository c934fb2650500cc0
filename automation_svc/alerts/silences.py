"""Silences (SPEC 13): mute notifications for all rules or chosen ones until a time, with a
reason. During a silence alerts still fire, resolve and are recorded (`silenced: true`), but
nothing is sent for them. Kept in the alerts slice of the state file; an expired one drops out.
The caller holds the alerts lock."""
from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from ..models import FieldError
from .headers import has_control

MAX_AHEAD_S = 7 * 86400
MAX_SILENCES = 50
MAX_REASON = 200


class Silence(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    reason: str
    until: float                                          # epoch s
    rule_ids: list[str] = Field(default_factory=list)     # empty: every rule
    created_at: float
    created_by: str = "admin"

    def covers(self, rule_id: str, now: float) -> bool:
        return now < self.until and (not self.rule_ids or rule_id in self.rule_ids)


def parse(body: Any, now: float, rule_ids: Collection[str]) -> Silence:
    """A new silence from a POST body; every problem is a FieldError naming its field."""
    if not isinstance(body, dict):
        raise FieldError(None, "Send the silence as a JSON object with reason, until and rule_ids")
    unknown = set(body) - {"reason", "until", "rule_ids", "id"}
    if unknown:
        key = sorted(unknown)[0]
        raise FieldError(key, f"{key}: not a field of a silence; use reason, until and rule_ids")
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise FieldError("reason", "A reason is required (for example: filter change)")
    if len(reason) > MAX_REASON:
        raise FieldError("reason", f"The reason is too long (at most {MAX_REASON} characters)")
    if has_control(reason):
        raise FieldError("reason", "The reason may not hold line breaks or control characters")
    until = body.get("until")
    if isinstance(until, bool) or not isinstance(until, (int, float)) or until != until:
        raise FieldError("until", "Until must be a time (epoch seconds)")
    if until <= now:
        raise FieldError("until", "Until must be in the future")
    if until > now + MAX_AHEAD_S:
        raise FieldError("until", "Until must be within 7 days")
    ids = body.get("rule_ids", [])
    if not isinstance(ids, list) or not all(isinstance(r, str) for r in ids):
        raise FieldError("rule_ids", "Rule ids must be a list of alert rule ids (empty: every rule)")
    missing = [r for r in ids if r not in rule_ids]
    if missing:
        raise FieldError("rule_ids", f"Rule ids must be existing alert rules: {missing[0][:40]!r} is not one")
    return Silence(id="s" + secrets.token_hex(4), reason=reason.strip(), until=round(float(until), 3),
                   rule_ids=list(dict.fromkeys(ids)), created_at=round(now, 3))


class Silences:
    def __init__(self, silences: list[Silence], tz: ZoneInfo, rule_name: Callable[[str], str]) -> None:
        self.items = list(silences)
        self.tz = tz
        self.rule_name = rule_name

    def muted(self, rule_id: str, now: float) -> bool:
        return any(s.covers(rule_id, now) for s in self.items)

    def active(self, now: float) -> list[Silence]:
        return [s for s in self.items if now < s.until]

    def expire(self, now: float) -> list[Silence]:
        """Drop the silences that ran out; returns them (for the audit log)."""
        gone = [s for s in self.items if now >= s.until]
        if gone:
            self.items = [s for s in self.items if now < s.until]
        return gone

    def add(self, silence: Silence, now: float) -> None:
        if len(self.active(now)) >= MAX_SILENCES:
            raise FieldError(None, f"At most {MAX_SILENCES} silences at a time; end one first")
        self.items.append(silence)

    def end(self, silence_id: str) -> Silence | None:
        """Remove it; None when there is no such silence."""
        silence = next((s for s in self.items if s.id == silence_id), None)
        if silence is not None:
            self.items.remove(silence)
        return silence

    def describe(self, silence: Silence) -> str:
        """For the audit log: until when, which rules, why."""
        until = datetime.fromtimestamp(silence.until, self.tz).strftime("%d %b %Y %H:%M %Z")
        rules = ", ".join(self.rule_name(r) for r in silence.rule_ids) if silence.rule_ids else "all rules"
        return f"until {until}; {rules}; reason: {silence.reason}"

    def view(self, now: float) -> list[dict]:
        return [s.model_dump(mode="json") for s in sorted(self.active(now), key=lambda s: s.until)]

    def dump(self) -> list[dict]:
        return [s.model_dump(mode="json") for s in self.items]
