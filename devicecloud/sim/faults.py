"""Fault switches: what the simulator breaks on purpose, and their validation."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass
class Faults:
    latency_s: float = 0.0  # added before every REST reply
    error_rate: float = 0.0  # chance (0..1) that a REST call gets 503
    error_burst: int = 0  # the next N REST calls get 503
    hang_s: float = 0.0  # REST replies sleep this long first (client timeouts)
    malformed_json: bool = False  # 200 replies carry truncated JSON
    report_link_status: int | None = None  # CSV download answers with this status
    s3_bytes_per_s: float = 0.0  # CSV download bandwidth (a plant's link); 0 = unlimited
    drop_every: int = 0  # close each socket after N frames
    ignore_commands: bool = False  # commands get 200 but the relays never move
    offline: bool = False  # the unit stops emitting frames

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{name} must be a non-negative number")
    return float(value)


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer")
    return value


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false")
    return value


def _rate(name: str, value: Any) -> float:
    rate = _number(name, value)
    if rate > 1:
        raise ValueError(f"{name} must be between 0 and 1")
    return rate


def _status(name: str, value: Any) -> int | None:
    if value is None or value == 0:
        return None  # 0/null switch the fault off
    if isinstance(value, bool) or not isinstance(value, int) or not 400 <= value <= 599:
        raise ValueError(f"{name} must be an HTTP error status (400-599) or null")
    return value


_RULES: dict[str, Callable[[str, Any], Any]] = {
    "latency_s": _number, "error_rate": _rate, "error_burst": _count, "hang_s": _number,
    "malformed_json": _flag, "report_link_status": _status, "s3_bytes_per_s": _number,
    "drop_every": _count,
    "ignore_commands": _flag, "offline": _flag,
}


def validated(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Check a partial fault update; raise ValueError naming the first bad field."""
    unknown = sorted(set(changes) - set(_RULES))
    if unknown:
        raise ValueError(f"unknown fault: {unknown[0]} (known: {', '.join(_RULES)})")
    return {name: _RULES[name](name, value) for name, value in changes.items()}
