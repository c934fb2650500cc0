"""One-time download links for the report CSV.

A browser that fetches the CSV with its bearer token has to hold the whole file in memory
(a month is ~90 MB) before it can save it, with no progress shown. Instead the page asks
POST /api/report-link (logged in): the gateway asks the cloud for the report right away, so
a cloud error is a JSON error the page can show (days the history store holds need no
cloud), and keeps the report's pre-signed links under a random id; the page then lets the
browser download GET /api/download/<id>, which it streams to disk natively. An id works once, within LINK_TTL_S; the cloud's link never leaves
the server.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .one_time import OneTimeIds

LINK_TTL_S = 60          # the page follows the link at once
MAX_LINKS = 32           # bounds memory whatever is asked for


@dataclass(frozen=True)
class Piece:
    """Days first..last of a CSV: from the history store, or from the cloud's link `url`."""
    first: date
    last: date
    url: str | None = None       # None: the store holds these days


@dataclass(frozen=True)
class Link:
    start: date
    end: date
    pieces: tuple[Piece, ...]     # the raw rows' pieces (none for the people's CSV)
    every: int | None = None      # the people's CSV's interval (SPEC 12), or None: the raw rows


class DownloadLinks(OneTimeIds[Link]):
    """Download id -> the report's pieces, once, within LINK_TTL_S."""

    def __init__(self, ttl_s: float = LINK_TTL_S, timer: Callable[[], float] = time.monotonic) -> None:
        super().__init__(MAX_LINKS, ttl_s, timer)
