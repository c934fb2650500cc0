"""When a rule's condition holds, from one frame. Pure functions: no time, no state."""
from __future__ import annotations

from devicecloud.channels import BY_CODE
from devicecloud.frames import value

from .rules import Rule


def threshold(rule: Rule, frame: dict) -> tuple[bool | None, bool | None, float | None]:
    """(met, cleared, value): met = past `value` (strictly), cleared = back past `clear`;
    (None, None, None) when the frame lacks the channel."""
    v = value(frame, rule.channel)
    if v is None:
        return None, None, None
    if rule.op == "above":
        return v > rule.value, v <= rule.clear, v
    return v < rule.value, v >= rule.clear, v


def impact(rule: Rule, frame: dict) -> tuple[bool | None, float | None, float | None]:
    """(outlet worse than inlet, outlet value, inlet value) by the channel map's better-direction."""
    outlet = BY_CODE[rule.channel]
    vo, vi = value(frame, outlet.code), value(frame, outlet.pair)
    if vo is None or vi is None:
        return None, vo, vi
    if outlet.better == "lower":
        worse = vo > vi
    elif outlet.better == "higher":
        worse = vo < vi
    else:   # target: further from it than the inlet
        worse = abs(vo - outlet.target) > abs(vi - outlet.target)
    return worse, vo, vi


def better_words(code: str) -> str:
    ch = BY_CODE[code]
    if ch.better == "target":
        return f"closer to {ch.target:g}{(' ' + ch.unit) if ch.unit else ''} is better"
    return f"{ch.better} is better"


def fmt(code: str, v: float | None) -> str:
    if v is None:
        return "-"
    ch = BY_CODE[code]
    return f"{v:.{ch.precision}f}{(' ' + ch.unit) if ch.unit else ''}"
