"""Who may have a password checked, and when: decided before any check runs.

A password check is ~0.1 s of scrypt, one at a time (service_kit/auth.py), so whoever can make
the console check passwords decides how long everyone else waits. Before issue 21 a client's
limit was counted after its check and every check waited in one queue: 500 parallel wrong
logins from one address were all checked, and the admin's right password waited 54.8 s behind
them. So, in this order:

- LoginGate.admit(): the per-client limit (XO2_LOGIN_LIMIT) counts the attempt BEFORE its
  check, and a client has at most one attempt in flight; anything else is refused (429) at once,
  without a check. A right password gives its count back (the limit is on failures).
- LoginThrottle: past FREE_FAILURES failures a minute from anyone, every attempt waits STEP_S
  per further failure, up to MAX_DELAY_S (the cap that slows many addresses, SPEC 11). The wait
  holds no queue place.
- LoginGate.queue(): at most QUEUE_MAX checks wait for the checker; beyond, 429 "busy" at once.
  A queue that never holds more than one check per client, and never more than QUEUE_MAX
  (~0.1 s each), lets a right password in within about QUEUE_MAX * 0.1 s however many clients
  flood; a busy answer is a "try again in a second", never a lockout.
"""
from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_S = 60.0
FREE_FAILURES = 10        # a typo-prone admin or two never notice the cap
STEP_S = 0.25
MAX_DELAY_S = 5.0
QUEUE_MAX = 8             # checks waiting or running: ~0.8 s of scrypt on this 2-core box
CLIENTS_MAX = 4096        # per-client windows kept before the expired ones are swept


class LoginThrottle:
    def __init__(self, *, free: int = FREE_FAILURES, window_s: float = WINDOW_S,
                 step_s: float = STEP_S, max_delay_s: float = MAX_DELAY_S,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.free, self.window_s, self.step_s, self.max_delay_s = free, window_s, step_s, max_delay_s
        self.clock = clock
        self.sleep = sleep            # None: time.sleep as it is at call time (gevent's, patched)
        # Bounded: past this many, the delay is at its cap anyway.
        self._failures: deque[float] = deque(maxlen=free + int(max_delay_s / step_s) + 1)
        self._lock = threading.Lock()

    def recent_failures(self) -> int:
        with self._lock:
            cutoff = self.clock() - self.window_s
            while self._failures and self._failures[0] <= cutoff:
                self._failures.popleft()
            return len(self._failures)

    def delay_s(self) -> float:
        """How long the next attempt waits before its password is checked."""
        over = self.recent_failures() - self.free
        return 0.0 if over <= 0 else min(self.max_delay_s, over * self.step_s)

    def wait(self) -> float:
        """Wait out the delay before a check; in the gevent worker other greenlets run meanwhile."""
        delay = self.delay_s()
        if delay:
            (self.sleep or time.sleep)(delay)
        return delay

    def failed(self) -> None:
        with self._lock:
            self._failures.append(self.clock())


class Refused(Exception):
    """A login refused before its check: answer 429 with this message and Retry-After."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = max(1, math.ceil(retry_after_s))


TOO_MANY = "too many attempts; wait a minute and try again"
IN_FLIGHT = "a login from this address is still being checked; try again in a moment"
BUSY = "too many logins are being checked; try again in a moment"


@dataclass
class _Window:
    start: float
    attempts: int


class LoginGate:
    """Per-client attempt counting (a fixed window of `window_s` holding at most `limit`
    counted attempts), one attempt in flight per client, and the bounded check queue."""

    def __init__(self, limit: int, window_s: float, *, queue_max: int = QUEUE_MAX,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window_s, self.queue_max, self.clock = limit, window_s, queue_max, clock
        self._windows: dict[str, _Window] = {}
        self._in_flight: set[str] = set()
        self._queued = 0
        self._lock = threading.Lock()

    def admit(self, client: str) -> None:
        """Count an attempt from `client` and mark it in flight, or raise Refused. Every admitted
        attempt must end with done()."""
        with self._lock:
            now = self.clock()
            w = self._windows.get(client)
            if w is None or now - w.start >= self.window_s:
                w = _Window(now, 0)
            if w.attempts >= self.limit:
                raise Refused(TOO_MANY, w.start + self.window_s - now)
            if client in self._in_flight:
                raise Refused(IN_FLIGHT, 1)
            w.attempts += 1
            self._store(client, w, now)
            self._in_flight.add(client)

    def queue(self) -> None:
        """Take a place in the check queue, or raise Refused (the attempt's count is given back:
        no password was checked). A place is released by done(queued=True)."""
        with self._lock:
            if self._queued >= self.queue_max:
                raise Refused(BUSY, 1)
            self._queued += 1

    def done(self, client: str, *, queued: bool, refund: bool) -> None:
        """The attempt is over. `refund`: it does not count against the client (a right password,
        or no check happened)."""
        with self._lock:
            self._in_flight.discard(client)
            if queued:
                self._queued -= 1
            w = self._windows.get(client)
            if refund and w is not None and w.attempts > 0:
                w.attempts -= 1
                if w.attempts == 0:          # nothing counted: forget the client at once
                    del self._windows[client]

    def queued(self) -> int:
        with self._lock:
            return self._queued

    def _store(self, client: str, w: _Window, now: float) -> None:
        if client not in self._windows and len(self._windows) >= CLIENTS_MAX:
            # Bounded memory whatever addresses come: expired windows go first. Only failures keep
            # a window (done() forgets refunded ones), and failures come from checks, at most
            # ~10 a second, so few windows are live.
            self._windows = {c: v for c, v in self._windows.items()
                             if now - v.start < self.window_s or c in self._in_flight}
        self._windows[client] = w
