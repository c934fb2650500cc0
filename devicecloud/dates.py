"""Calendar dates as the cloud's report API writes them (startDate/endDate): YYYY-MM-DD.

One parser for the gateway's query parameters and the simulator's report requests.
"""
from __future__ import annotations

import re
from datetime import date

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(raw: object, name: str) -> date:
    """The date in `raw`, or ValueError naming `name` (never echoing the value, which could be
    anything, a real device id included)."""
    if not isinstance(raw, str) or not _DATE_RE.fullmatch(raw):
        raise ValueError(f"{name} must be a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{name} is not a real calendar date") from None
