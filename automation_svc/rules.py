"""Pure rule evaluation: what state a sensor or time rule wants, and why. No I/O, no clock."""
from __future__ import annotations

from datetime import datetime

from .models import SensorRule, TimeRule, TimeWindow


def sensor_wanted(rule: SensorRule, value: float | None, current: int | None) -> tuple[int | None, str]:
    """Hysteresis: above `high` -> rule.above, below `low` -> the opposite, in between -> hold."""
    if value is None:
        return None, f"no recent {rule.channel} value"
    if value > rule.high:
        return rule.above, f"{rule.channel}={value:g} > high {rule.high:g}"
    if value < rule.low:
        return 1 - rule.above, f"{rule.channel}={value:g} < low {rule.low:g}"
    return current, f"{rule.channel}={value:g} between {rule.low:g} and {rule.high:g}: hold"


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def in_window(window: TimeWindow, local: datetime) -> bool:
    """Whether `local` (the unit's local time) falls in the window. A window that crosses
    midnight belongs to the weekday it starts on: Mon 22:00-06:00 covers Tue 00:00-06:00."""
    start, end = _minutes(window.start), _minutes(window.end)
    now = local.hour * 60 + local.minute
    today, yesterday = local.weekday(), (local.weekday() - 1) % 7
    if start < end:
        return today in window.days and start <= now < end
    # Crosses midnight: the evening part belongs to today, the morning part to yesterday.
    return (today in window.days and now >= start) or (yesterday in window.days and now < end)


def time_wanted(rule: TimeRule, local: datetime) -> tuple[int, str]:
    for w in rule.windows:
        if in_window(w, local):
            return rule.inside, f"inside {w.start}-{w.end} at {local:%a %H:%M}"
    return 1 - rule.inside, f"outside every window at {local:%a %H:%M}"
