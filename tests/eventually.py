"""The one way a test waits for something another thread or process does: poll a check until it
holds or a deadline passes, then fail naming what was awaited and the last thing seen. Never a
fixed sleep sized to a guess of how long the machine takes (the suite runs on loaded machines)."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests

T = TypeVar("T")
# What a check may raise while the thing awaited is not there yet (a service still starting).
TRANSIENT: tuple[type[BaseException], ...] = (requests.RequestException, OSError, ValueError, KeyError,
                                              AssertionError)


def eventually(check: Callable[[], T], timeout: float = 10.0, interval: float = 0.05,
               what: str = "condition") -> T:
    """check()'s first truthy result. A check may also assert: its AssertionError (or a transient
    error) means "not yet". Fails after `timeout` seconds, naming `what` and the last result."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = check()
        except TRANSIENT as exc:
            last = exc
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} not met within {timeout:g} s (last: {last!r})")
        time.sleep(interval)
