"""Tolerant readers for cloud frames: numbers may come as 2, 2.0 or "2"; fields may be missing."""
from __future__ import annotations

import math
from typing import Any


def num(value: Any) -> float | None:
    """A finite float from whatever the cloud sent, or None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def value(frame: dict | None, code: str) -> float | None:
    return num(frame.get(code)) if isinstance(frame, dict) else None


def frame_ts(frame: dict | None) -> float | None:
    return value(frame, "ts")


def relay_state(frame: dict | None, relay: str) -> int | None:
    """0/1 for a relay field, None when absent or garbage."""
    v = value(frame, relay)
    if v is None:
        return None
    return 1 if v >= 0.5 else 0


def is_offline(frame: dict | None) -> bool:
    return bool(value(frame, "offline"))
