"""One-time ids: a random id that gives its value back once, within a time limit.

Both things the gateway hands a browser to put in a URL are this: the socket's tickets
(ws_tickets.py) and the CSV download links (downloads.py). The id is the only secret; it is
gone after one use or its TTL, and the store is bounded whatever is asked for.
"""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from cachetools import TTLCache

T = TypeVar("T")


class OneTimeIds(Generic[T]):
    def __init__(self, maxsize: int, ttl_s: float, timer: Callable[[], float] = time.monotonic) -> None:
        self._values: TTLCache[str, T] = TTLCache(maxsize, ttl_s, timer=timer)
        self._lock = threading.Lock()
        self.ttl_s = ttl_s

    def add(self, value: T) -> str:
        """A new random id for value."""
        key = secrets.token_urlsafe(24)
        with self._lock:
            self._values[key] = value
        return key

    def take(self, key: str) -> T | None:
        """The value for key, once; None when unknown, used or expired."""
        with self._lock:
            return self._values.pop(key, None)
