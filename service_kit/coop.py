"""Cooperation with gevent: the same code runs under real threads (tests, dev server) and
under gunicorn's gevent worker, which monkey-patches `threading` before the app is built.

Always use `threading.X` at call time (never `from threading import X` at import time) so
the patched, greenlet-friendly primitives are picked up in production.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def under_gevent() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # gevent is a hard requirement, but stay importable without it
        return False
    return bool(monkey.is_module_patched("threading"))


def run_cpu(fn: Callable[..., T], *args: object) -> T:
    """Run CPU-bound work without freezing the gevent hub (other browsers, the upstream
    socket). Under gevent it goes to the hub's pool of real OS threads, so `fn` must not
    touch gevent sockets or patched locks; elsewhere it is a plain call."""
    if under_gevent():
        from gevent import get_hub
        return get_hub().threadpool.apply(fn, args)
    return fn(*args)


def cooperate() -> None:
    """Let other greenlets run during a long pure-Python loop (e.g. a CSV being streamed)."""
    if under_gevent():
        import gevent
        gevent.sleep(0)


class CpuLane:
    """At most `size` calls of one kind of CPU-heavy work at a time, off the gevent hub.

    run_cpu() uses the hub's shared pool (up to 10 threads). Some work must also be bounded:
    a password check was ~100 ms and 32 MB of scrypt memory, so 10 logins a second filled that
    pool and took the gateway worker from 110 to 475 MB (bench_fanout). Queued callers wait
    their turn without blocking anything else.

    `nice` > 0 lowers the lane's threads' CPU priority (Linux: per thread): work that may wait
    (a login) then gives way to the hub's (every browser socket) on a busy 2-core machine."""

    def __init__(self, size: int = 1, nice: int = 0) -> None:
        self.size = size
        self.nice = nice
        self._pool = None                 # made in the worker at first use (after the fork)
        self._slots = threading.BoundedSemaphore(size)

    def run(self, fn: Callable[..., T], *args: object) -> T:
        if under_gevent():
            if self._pool is None:
                from gevent.threadpool import ThreadPool
                self._pool = ThreadPool(self.size)
            return self._pool.apply(_niced, (self.nice, fn, args))
        with self._slots:                 # real threads (tests, dev server): same bound
            return fn(*args)


def _niced(nice: int, fn: Callable[..., T], args: tuple) -> T:
    if nice:
        try:
            os.setpriority(os.PRIO_PROCESS, 0, nice)   # 0: this thread only, on Linux
        except (OSError, AttributeError):              # not Linux: run at normal priority
            pass
    return fn(*args)
