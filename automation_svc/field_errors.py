"""Bad input in plain words: a FieldError names its field (dotted, for the API) and says what to
enter in a sentence a person understands ("Low must be a number", "For must be at most 7 days"),
never a validator's internals ("Input should be a valid number", "less than or equal to 604800").

One translation of pydantic's errors for every form of this service (relays, display, alert
rules), so each 400 reads the same: {"error": "<Label> must ...", "field": "sensor.low"}.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from devicecloud.channels import number

# The words a person sees for each field (the last part of its dotted name).
LABELS: dict[str, str] = {
    "name": "Name", "mode": "Mode", "sensor": "Sensor rule", "time": "Time rule",
    "channel": "Channel", "low": "Low", "high": "High", "above": "Above",
    "windows": "Time windows", "inside": "Inside", "state": "State",
    "enabled": "Enabled", "interval_s": "Interval", "standard": "AQI standard",
    "max_age_s": "Maximum data age", "kind": "Kind", "op": "Direction", "value": "Value",
    "clear": "Clear", "for_s": "For", "severity": "Severity", "notify": "Notify",
    "repeat_s": "Repeat", "id": "Id", "what": "What", "result": "Result", "client": "Client",
    "reason": "Reason", "limit": "Limit",
}
_WINDOW_PART = {"start": "Start", "end": "End", "days": "Days"}


class FieldError(ValueError):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def label(field: str | None) -> str:
    """'sensor.low' -> 'Low'; 'time.windows.0.start' -> 'Start of window 1'."""
    if not field:
        return "Input"
    parts = field.split(".")
    if len(parts) >= 4 and parts[1] == "windows" and parts[2].isdigit():
        what = _WINDOW_PART.get(parts[3], parts[3].capitalize())
        day = f" (day {int(parts[4]) + 1})" if len(parts) > 4 and parts[4].isdigit() else ""
        return f"{what}{day} of window {int(parts[2]) + 1}"
    last = next((p for p in reversed(parts) if not p.isdigit()), parts[-1])
    return LABELS.get(last, last.removesuffix("_s").replace("_", " ").capitalize())


def duration(seconds: float) -> str:
    """604800 -> '7 days', 3600 -> '1 hour', 90 -> '90 s'."""
    for size, word in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return f"{n} {word}{'s' if n != 1 else ''}"
    return f"{number(seconds)} s"


def _amount(field: str, v: Any) -> str:
    return duration(float(v)) if field.endswith("_s") and float(v) > 0 else (
        f"{number(float(v))} s" if field.endswith("_s") else number(float(v)))


def _words(e: dict, field: str) -> str:
    """What is wrong, after the label: 'must be a number'."""
    kind, ctx = e["type"], e.get("ctx") or {}
    if kind.startswith("float") or kind in ("int_from_float",):
        return "must be a number"
    if kind.startswith("int"):
        return "must be a whole number"
    if kind == "finite_number":
        return "must be a finite number"
    if kind.startswith("bool"):
        return "must be true or false"
    if kind.startswith("string_type") or kind == "str_type":
        return "must be text"
    if kind in ("list_type", "tuple_type"):
        return "must be a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be an object"
    if kind == "missing":
        return "is required"
    if kind == "string_too_short":
        return f"must be at least {ctx.get('min_length')} character{'s' if ctx.get('min_length') != 1 else ''}"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')}"
    if kind == "too_long":
        return f"may have at most {ctx.get('max_length')}"
    if kind == "greater_than_equal":
        return "must not be negative" if ctx.get("ge") == 0 else f"must be at least {_amount(field, ctx['ge'])}"
    if kind == "greater_than":
        return "must be more than 0" if ctx.get("gt") == 0 else f"must be more than {_amount(field, ctx['gt'])}"
    if kind == "less_than_equal":
        return f"must be at most {_amount(field, ctx['le'])}"
    if kind == "less_than":
        return f"must be less than {_amount(field, ctx['lt'])}"
    if kind == "literal_error":
        return "must be " + ctx.get("expected", "one of the listed values")
    if kind == "string_pattern_mismatch":
        return "is not in the expected form"
    return "is not valid"


def from_validation(err: ValidationError) -> FieldError:
    """The first problem, as a FieldError in words. Our own validators raise ValueError with
    either a whole sentence (used as is) or the rest of one after the label ("must ...")."""
    e = err.errors()[0]
    field = ".".join(str(p) for p in e["loc"]) or None
    name = label(field)
    if e["type"] == "extra_forbidden":
        return FieldError(field, f"{name} is not something this accepts (field {field}); check its spelling")
    if e["type"] == "value_error":
        msg = e["msg"].removeprefix("Value error, ")
        sentence = f"{name} {msg}" if re.match(r"(must|is|needs|may) ", msg) else msg
    else:
        sentence = f"{name} {_words(e, field or '')}"
    return FieldError(field, sentence)
