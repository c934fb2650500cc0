"""Validated shapes: what the API accepts and what the state file holds (one definition each).

Request models are strict (no "1" for 1, no true for 1) and forbid unknown fields, so a typo
is a 400 naming the field instead of being ignored. `parse()` turns pydantic's errors into a
FieldError with a dotted field name such as "time.windows.0.start" and a sentence in plain
words (field_errors.py). Checks that only new input must pass (a channel's valid range, which
channels may trigger) run at that edge only (validation context "edge"), so a state file saved
before a check existed still loads.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError,
                      ValidationInfo, WithJsonSchema, field_validator)

from devicecloud.channels import BY_CODE, RELAY_IDS, SENSOR_CODES, TRIGGER_CODES, out_of_range, with_unit
from devicecloud.links import REFUSALS

from .aqi import Standard
from .field_errors import FieldError, from_validation, label

SCHEMA_VERSION = 1
Mode = Literal["manual", "sensor", "time"]
Who = Literal["admin", "rule", "display", "system"]
CommandState = Literal["pending", "confirmed", "failed"]
_HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


RELAY_NAME_MAX = 40


def _hhmm(v: str) -> str:
    if not _HHMM.fullmatch(v):
        raise ValueError("must be a time of day as HH:MM (00:00 to 23:59)")
    return v


def _weekday(v: Any) -> int:
    if type(v) is not int or not 0 <= v <= 6:
        raise ValueError("must be a weekday from 0 (Monday) to 6 (Sunday)")
    return v


def _bit(v: Any) -> int:
    if type(v) is not int or v not in (0, 1):      # not True, not 1.0, not "1"
        raise ValueError("must be 0 (off) or 1 (on)")
    return v


def _at_edge(info: ValidationInfo) -> bool:
    """Validating a request (parse()), not a saved state file."""
    return bool(info.context and info.context.get("edge"))


# The validators give the messages; WithJsonSchema says the same in the OpenAPI document.
Bit = Annotated[int, BeforeValidator(_bit), WithJsonSchema({"type": "integer", "enum": [0, 1]})]
Weekday = Annotated[int, BeforeValidator(_weekday),
                    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": 6})]
HHMM = Annotated[str, AfterValidator(_hhmm), WithJsonSchema({"type": "string", "pattern": f"^{_HHMM.pattern}$"})]
ALL_DAYS = [0, 1, 2, 3, 4, 5, 6]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


# -- rules -------------------------------------------------------------------------------------
class SensorRule(_Strict):
    channel: str
    low: float
    high: float
    above: Bit

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, v: str, info: ValidationInfo) -> str:
        if v not in (TRIGGER_CODES if _at_edge(info) else SENSOR_CODES):
            raise ValueError("must be a measured channel (one marked trigger in /api/channels); "
                             "SW/HW versions and relays cannot switch a relay")
        return v

    @field_validator("low", "high")
    @classmethod
    def _in_range(cls, v: float, info: ValidationInfo) -> float:
        code = info.data.get("channel")
        if code is None or not _at_edge(info):
            return v
        problem = out_of_range(code, label(info.field_name), v)
        if problem:
            raise ValueError(problem)
        low = info.data.get("low")
        if info.field_name == "high" and low is not None and not v > low:
            raise ValueError(f"High ({with_unit(code, v)}) must be greater than Low ({with_unit(code, low)})")
        return v


class TimeWindow(_Strict):
    start: HHMM
    end: HHMM
    days: list[Weekday] = Field(default_factory=lambda: list(ALL_DAYS))

    @field_validator("end")
    @classmethod
    def _not_empty(cls, v: str, info) -> str:
        if v == info.data.get("start"):
            raise ValueError("must differ from the start")
        return v

    @field_validator("days")
    @classmethod
    def _days(cls, v: list[int]) -> list[int]:
        # No day picked means every day, as when days is left out (the UI says so too).
        return sorted(set(v)) if v else list(ALL_DAYS)


class TimeRule(_Strict):
    windows: list[TimeWindow] = Field(min_length=1, max_length=12)
    inside: Bit


# -- requests ----------------------------------------------------------------------------------
def _never_null(schema: dict[str, Any]) -> None:
    """Optional request fields may be left out but not sent as null (parse() refuses explicit
    nulls): the JSON schema says so (validation is unchanged)."""
    for prop in schema.get("properties", {}).values():
        kinds = prop.pop("anyOf", None)
        if kinds is None:
            continue
        kinds = [k for k in kinds if k != {"type": "null"}]
        prop.update(kinds[0] if len(kinds) == 1 else {"anyOf": kinds})
        if prop.get("default", 0) is None:
            del prop["default"]


class RelayUpdate(_Strict):
    model_config = ConfigDict(json_schema_extra=_never_null)
    # The length is checked by _name (after stripping, in words); the schema says the same.
    name: Annotated[str, Field(description=f"1-{RELAY_NAME_MAX} characters, one line",
                               json_schema_extra={"minLength": 1, "maxLength": RELAY_NAME_MAX})] | None = None
    mode: Mode | None = None
    sensor: SensorRule | None = None
    time: TimeRule | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        """Refused, never cut: a name cut short is not the name the admin chose."""
        if v is None:
            return v
        v = v.strip()
        if not 1 <= len(v) <= RELAY_NAME_MAX:
            raise ValueError(f"must be 1 to {RELAY_NAME_MAX} characters (this one has {len(v)})")
        if any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in v):   # no lone surrogate
            raise ValueError("must be one line of text")
        return v


class CommandRequest(_Strict):
    state: Bit


class LoginReport(_Strict):
    """A browser login checked by the gateway, for the audit log (internal route)."""
    what: Literal["login"]
    result: Literal["ok", "wrong id or password"]
    client: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Fa-f.:]+$")]


class LinkRefusedReport(_Strict):
    """A report link from the cloud the gateway would not follow (SPEC 11), by its fixed reason."""
    what: Literal["report link refused"]
    reason: Literal[REFUSALS]


# What the gateway may report to the audit log, by its `what` (internal route).
GATEWAY_REPORTS: dict[str, type[_Strict]] = {"login": LoginReport, "report link refused": LinkRefusedReport}


class DisplayUpdate(_Strict):
    model_config = ConfigDict(json_schema_extra=_never_null)
    enabled: bool | None = None
    interval_s: Annotated[float, Field(ge=1, le=3600)] | None = None
    standard: Standard | None = None
    max_age_s: Annotated[float, Field(gt=0, le=86400)] | None = None


# -- state file --------------------------------------------------------------------------------
class Command(BaseModel):
    """One relay command from creation to confirmed/failed, as saved in the state file. Whether it
    is queued or being POSTed right now is runtime state, kept by the relay controller."""
    model_config = ConfigDict(extra="ignore")
    relay: str
    desired: Bit
    who: Who
    why: str
    since: float                      # wall time it was accepted
    state: CommandState = "pending"
    reason: str = ""
    sent_at: float | None = None      # wall time the last successful POST started
    attempts: int = 0                 # POST attempts (failed ones are retried until the timeout)
    send_error: str | None = None     # why the last POST failed, if it did
    next_send_at: float | None = None # when to (re)send; None once sent
    done_at: float | None = None
    latency_s: float | None = None
    audit_id: int | None = None

    def public(self) -> dict:
        return {"state": self.state, "desired": self.desired, "since": round(self.since, 3),
                "reason": self.reason, "who": self.who, "latency_s": self.latency_s}


class RelayRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: Annotated[str, Field(min_length=1, max_length=RELAY_NAME_MAX)]
    mode: Mode = "manual"
    sensor: SensorRule | None = None   # kept when the mode changes, so switching back restores it
    time: TimeRule | None = None
    changed_at: float | None = None    # wall time the relay last changed (for the minimum dwell)
    failures: int = 0                  # consecutive unconfirmed automated changes
    retry_at: float | None = None      # no automated change before this (backoff)
    command: Command | None = None     # pending, or the last finished one


class DisplayConfig(BaseModel):
    """Admin choices; None means "use the XO2_DISPLAY_* setting"."""
    model_config = ConfigDict(extra="ignore")
    enabled: bool = True
    interval_s: float | None = None
    standard: Standard | None = None
    max_age_s: float | None = None


class AuditEntry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int
    at: float
    who: Who
    what: str
    why: str = ""
    result: str = ""
    latency_s: float | None = None
    count: Annotated[int, Field(ge=1)] = 1   # like events it stands for (failed logins: one per client a minute)


class StateFile(BaseModel):
    model_config = ConfigDict(extra="ignore")
    version: Literal[1]
    saved_at: float | None = None
    relays: dict[str, RelayRecord]
    display: DisplayConfig = Field(default_factory=DisplayConfig)
    audit: list[AuditEntry] = Field(default_factory=list)
    audit_seq: int = 0

    @field_validator("relays")
    @classmethod
    def _relay_ids(cls, v: dict[str, RelayRecord]) -> dict[str, RelayRecord]:
        unknown = set(v) - set(RELAY_IDS)
        if unknown:
            raise ValueError(f"unknown relays {sorted(unknown)}")
        for rid, rec in v.items():
            check_mode_rule(rec.mode, rec.sensor, rec.time)
            if rec.command and rec.command.relay != rid:
                raise ValueError(f"{rid}: its command is for {rec.command.relay}")
        return v


def default_relays() -> dict[str, RelayRecord]:
    return {rid: RelayRecord(name=BY_CODE[rid].label) for rid in RELAY_IDS}


# -- helpers -----------------------------------------------------------------------------------
def check_mode_rule(mode: str, sensor: SensorRule | None, time: TimeRule | None) -> None:
    """A relay in sensor/time mode must have that rule."""
    if mode == "sensor" and sensor is None:
        raise FieldError("sensor", "Sensor mode needs a sensor rule: a channel, low, high and what to do above")
    if mode == "time" and time is None:
        raise FieldError("time", "Time mode needs a time rule: at least one time window")


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any) -> M:
    """Validate request data; the first problem becomes a FieldError naming its field."""
    try:
        obj = model.model_validate(data, context={"edge": True})
    except ValidationError as err:
        raise from_validation(err) from None
    # Explicit nulls are not a way to clear a setting; reject them with the field's name.
    for name in obj.model_fields_set:
        if getattr(obj, name) is None:
            raise FieldError(name, f"{label(name)} must not be null; leave it out to keep it as it is")
    return obj
