"""What a person reads about relays (the audit log, the reasons a rule gives): the relay's own
name, channel labels and units from the channel map, never codes ("Fan 2: switch ON", "Outlet
Dust PM 75 µg/m³ is above 70 µg/m³"). The API keeps the codes."""
from __future__ import annotations

from typing import Any

from devicecloud.channels import BY_CODE, with_unit

from .models import ALL_DAYS, SensorRule, TimeRule

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def on_off(state: int) -> str:
    return "ON" if state else "OFF"


def switch(name: str, state: int) -> str:
    """The audit's `what` of a command: 'Fan 2: switch ON'."""
    return f"{name}: switch {on_off(state)}"


def reading(code: str, v: float) -> str:
    """'Outlet Dust PM 75 µg/m³'."""
    return f"{BY_CODE[code].label} {with_unit(code, v)}"


def sensor_rule(rule: SensorRule) -> str:
    """'above 70 µg/m³ of Outlet Dust PM: ON; below 30 µg/m³: OFF'."""
    return (f"{BY_CODE[rule.channel].label} above {with_unit(rule.channel, rule.high)}: {on_off(rule.above)}; "
            f"below {with_unit(rule.channel, rule.low)}: {on_off(1 - rule.above)}")


def days(picked: list[int]) -> str:
    return "every day" if sorted(picked) == ALL_DAYS else ", ".join(DAY_NAMES[d] for d in sorted(picked))


def time_rule(rule: TimeRule) -> str:
    """'22:00-06:00 every day: ON; otherwise OFF'."""
    windows = ", ".join(f"{w.start}-{w.end} {days(w.days)}" for w in rule.windows)
    return f"{windows}: {on_off(rule.inside)}; otherwise {on_off(1 - rule.inside)}"


def changes(name: str, changed: dict[str, Any]) -> str:
    """The audit's `what` of a relay update, e.g. 'Relay 3: renamed Pump; mode sensor; sensor rule
    Outlet Dust PM above 70 µg/m³: ON; below 30 µg/m³: OFF'."""
    parts = []
    if "name" in changed:
        parts.append(f"renamed {changed['name']}")
    if "mode" in changed:
        parts.append(f"mode {changed['mode']}")
    if changed.get("sensor") is not None:
        parts.append(f"sensor rule {sensor_rule(changed['sensor'])}")
    if changed.get("time") is not None:
        parts.append(f"time rule {time_rule(changed['time'])}")
    return f"{name}: " + "; ".join(parts)
