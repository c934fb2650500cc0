"""TTL cache for cloud answers, with single-flight loads and stale fallback.

- fresh values live in a cachetools TLRUCache, each entry with its own TTL (graph/hour ~30 s,
  history of past days ~1 day ...);
- concurrent misses of one key share ONE load (the first caller loads, the rest wait);
- when a load fails, the last good value is served as "stale" and held for `error_hold_s`
  so a failing cloud is not hammered (and callers do not each wait out its timeouts);
  with nothing to fall back on, the error is raised (also held, so it is not retried at once).

Locks and events are created with `threading.X` at run time so gevent's patched versions
are used under gunicorn's gevent worker (see service_kit/coop.py).
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Literal

from cachetools import LRUCache, TLRUCache

from devicecloud.rest import CloudError

log = logging.getLogger(__name__)
CacheState = Literal["hit", "miss", "stale"]
ERROR_HOLD_S = 5.0


@dataclass(frozen=True)
class Cached:
    value: Any
    state: CacheState


@dataclass
class _Entry:
    ttl: float
    value: Any = None
    stale: bool = False
    error: BaseException | None = None


@dataclass
class _Flight:
    done: Any = field(default_factory=lambda: threading.Event())
    result: Cached | None = None
    error: BaseException | None = None


class CloudCache:
    def __init__(self, maxsize: int = 128, *, timer: Callable[[], float] = time.monotonic,
                 error_hold_s: float = ERROR_HOLD_S) -> None:
        self._fresh: TLRUCache = TLRUCache(maxsize, ttu=lambda _k, e, now: now + e.ttl, timer=timer)
        self._last_good: LRUCache = LRUCache(maxsize)
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()
        self.error_hold_s = error_hold_s
        self.counts: Counter[str] = Counter()   # "hit"/"miss"/"stale"/"error", for metrics

    def get(self, key: Hashable, ttl: float | Callable[[Any], float], load: Callable[[], Any]) -> Cached:
        """The cached value for key, loading it (once, however many callers) when missing.
        Raises the load's exception only when there is no good value to fall back on."""
        with self._lock:
            entry: _Entry | None = self._fresh.get(key)
            if entry is None:
                flight = self._flights.get(key)
                leader = flight is None
                if leader:
                    flight = self._flights[key] = _Flight()
        if entry is not None:
            return self._from_entry(entry)
        if leader:
            self._lead(key, ttl, load, flight)
        else:
            flight.done.wait()
        if flight.result is None and flight.error is None:   # the leader was killed mid-load
            flight.error = CloudError("the device cloud call was interrupted")
        if flight.error is not None:
            self.counts["error"] += 1
            raise flight.error
        self.counts[flight.result.state] += 1
        return flight.result

    def _from_entry(self, entry: _Entry) -> Cached:
        if entry.error is not None:
            self.counts["error"] += 1
            raise entry.error
        state: CacheState = "stale" if entry.stale else "hit"
        self.counts[state] += 1
        return Cached(entry.value, state)

    def _lead(self, key: Hashable, ttl: float | Callable[[Any], float], load: Callable[[], Any],
              flight: _Flight) -> None:
        try:
            value = load()
        except Exception as exc:
            with self._lock:
                good = self._last_good.get(key, _MISSING)
                if good is _MISSING:
                    flight.error = exc
                    self._fresh[key] = _Entry(self.error_hold_s, error=exc)
                else:
                    flight.result = Cached(good, "stale")
                    self._fresh[key] = _Entry(self.error_hold_s, good, stale=True)
            log.warning("cloud load for %s failed (%s); %s", key[0] if isinstance(key, tuple) else key,
                        exc, "serving stale" if flight.error is None else "nothing cached")
        else:
            with self._lock:
                # ttl may depend on what was loaded (a view still missing days is kept briefly)
                self._fresh[key] = _Entry(ttl(value) if callable(ttl) else ttl, value)
                self._last_good[key] = value
            flight.result = Cached(value, "miss")
        finally:
            with self._lock:
                self._flights.pop(key, None)
            flight.done.set()


_MISSING = object()
