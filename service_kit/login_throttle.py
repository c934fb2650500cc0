"""A global cap on failed logins: every login attempt waits longer the more attempts have
failed recently, from any client.

The per-client limit (service_kit/auth.py, XO2_LOGIN_LIMIT) stops one address; an attacker with
many addresses gets past it. Past FREE_FAILURES failures a minute every attempt is slowed
by STEP_S per further failure, up to MAX_DELAY_S: a guesser's rate falls to a few tries a
second, while the right password is never refused, only answered at most MAX_DELAY_S late.
"""
from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0
FREE_FAILURES = 10        # a typo-prone admin or two never notice the cap
STEP_S = 0.25
MAX_DELAY_S = 5.0


class LoginThrottle:
    def __init__(self, *, free: int = FREE_FAILURES, window_s: float = WINDOW_S,
                 step_s: float = STEP_S, max_delay_s: float = MAX_DELAY_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.window_s, self.step_s, self.max_delay_s = free, window_s, step_s, max_delay_s
        self.clock = clock
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

    def failed(self) -> None:
        with self._lock:
            self._failures.append(self.clock())
