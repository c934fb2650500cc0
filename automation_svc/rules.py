"""Pure rule evaluation: what state a sensor or time rule wants, and why. No I/O, no clock."""
from __future__ import annotations

from datetime import datetime

from devicecloud.channels import BY_CODE, with_unit
from devicecloud.frames import value
from devicecloud.settings import Settings

from .latest import Latest
from .models import RelayRecord, SensorRule, TimeRule, TimeWindow
from .relay_words import reading


def sensor_wanted(rule: SensorRule, value: float | None, current: int | None) -> tuple[int | None, str]:
    """Hysteresis: above `high` -> rule.above, below `low` -> the opposite, in between -> hold."""
    code = rule.channel
    if value is None:
        return None, f"no recent {BY_CODE[code].label} value"
    if value > rule.high:
        return rule.above, f"{reading(code, value)} is above {with_unit(code, rule.high)}"
    if value < rule.low:
        return 1 - rule.above, f"{reading(code, value)} is below {with_unit(code, rule.low)}"
    return current, (f"{reading(code, value)} is between {with_unit(code, rule.low)} and "
                     f"{with_unit(code, rule.high)}: hold")


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


def wanted(rec: RelayRecord, now: float, latest: Latest | None, known: int | None,
           settings: Settings) -> tuple[int | None, str]:
    """The state a relay's rule wants now, and why (None: manual, or nothing to go by)."""
    if rec.mode == "time" and rec.time:
        return time_wanted(rec.time, datetime.fromtimestamp(now, settings.tz))
    if rec.mode == "sensor" and rec.sensor:
        fresh = latest is not None and now - latest.received_at <= settings.sensor_max_age_s
        reading = value(latest.frame, rec.sensor.channel) if fresh else None
        return sensor_wanted(rec.sensor, reading, known)
    return None, "manual"
