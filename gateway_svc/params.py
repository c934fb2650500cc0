"""Query-string validation: every bad value becomes a clear 400 naming the parameter.

Messages never echo the value back (it could be anything, including a real device id).
"""
from __future__ import annotations

import re
from datetime import date

from flask import request

from devicecloud.dates import parse_day
from service_kit.webapp import ApiError

from .history.window import SIZES, size_name

# Older dates cannot be data from the unit; year 1 would overflow the unit-local day maths.
MIN_DAY = date(2000, 1, 1)
_INT_RE = re.compile(r"[0-9]{1,6}")


def day(name: str) -> date:
    raw = request.args.get(name)
    if raw is None or raw == "":
        raise ApiError(400, f"{name} is required (YYYY-MM-DD)", name)
    try:
        parsed = parse_day(raw, name)
    except ValueError as err:
        raise ApiError(400, str(err), name) from None
    if parsed < MIN_DAY:
        raise ApiError(400, f"{name} must be {MIN_DAY.isoformat()} or later", name)
    return parsed


def day_range(start_name: str, end_name: str, max_days: int) -> tuple[date, date]:
    """Inclusive start..end, at most max_days days long."""
    start, end = day(start_name), day(end_name)
    if end < start:
        raise ApiError(400, f"{end_name} must not be before {start_name}", end_name)
    if (end - start).days + 1 > max_days:
        raise ApiError(400, f"the range may span at most {max_days} days", end_name)
    return start, end


def bounded_int(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not _INT_RE.fullmatch(raw) or not lo <= int(raw) <= hi:
        raise ApiError(400, f"{name} must be a whole number from {lo} to {hi}", name)
    return int(raw)


def _choices(sizes: tuple[int, ...]) -> str:
    return ", ".join(f"{s} ({size_name(s)})" for s in sizes)


def bucket_size(name: str, start: date, end: date, max_buckets: int) -> int | None:
    """An optional calendar bucket size in seconds (history/window.py SIZES), at most
    max_buckets of them over start..end."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not _INT_RE.fullmatch(raw) or int(raw) not in SIZES:
        raise ApiError(400, f"{name} must be one of these bucket sizes in seconds: {_choices(SIZES)}", name)
    days = (end - start).days + 1
    if days * 86_400 / int(raw) > max_buckets:
        raise ApiError(400, f"{name} {size_name(int(raw))} gives more than {max_buckets} points over "
                            f"{days} days; choose a longer bucket or a shorter range", name)
    return int(raw)


def every(name: str, allowed: tuple[int, ...]) -> int | None:
    """The people's CSV interval in seconds (SPEC 12), or None for the raw rows."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not _INT_RE.fullmatch(raw) or int(raw) not in allowed:
        raise ApiError(400, f"{name} must be one of these intervals in seconds: {_choices(allowed)}; "
                            "leave it out for every row as the unit sent it", name)
    return int(raw)
