"""The simulator's checks of admin and command bodies: which outputs a command sets, which sensor
values a test pins. ValueError says what is wrong, as the cloud's 400 does."""
from __future__ import annotations

import math
import re
from typing import Any

from .generator import DISPLAY_KEYS, RELAY_KEYS

_OUTPUT_KEY = re.compile(r"i([1-9]|1[0-8])")
_SENSOR_KEY = re.compile(r"d([1-9]|1[0-8]|3[89]|40)")


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else None


def parse_command(body: Any) -> dict[str, int]:
    """The iN outputs a command body sets; ValueError says what is wrong with it."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    changes: dict[str, int] = {}
    for key, value in body.items():
        if not _OUTPUT_KEY.fullmatch(key):
            continue  # imei, meter and anything unknown ride along untouched
        number = _whole(value)
        if key in RELAY_KEYS and number not in (0, 1):
            raise ValueError(f"{key} must be 0 or 1")
        if key in DISPLAY_KEYS and (number is None or not 0 <= number <= 9999):
            raise ValueError(f"{key} must be an integer between 0 and 9999")
        changes[key] = int(number)  # type: ignore[arg-type]
    if not changes:
        raise ValueError("body must set at least one output i1..i18")
    return changes


def parse_pins(body: Any) -> dict[str, float | None]:
    """{channel: value or null} for SimState.pin; ValueError says what is wrong."""
    if not isinstance(body, dict) or not body:
        raise ValueError('body must be a JSON object of channels, e.g. {"d9": 80} (null unpins)')
    for key, value in body.items():
        if not _SENSOR_KEY.fullmatch(key):
            raise ValueError(f"{key}: only d1..d18 and d38..d40 can be pinned")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value)):
            raise ValueError(f"{key} must be a number, or null to unpin")
    return {k: None if v is None else float(v) for k, v in body.items()}
