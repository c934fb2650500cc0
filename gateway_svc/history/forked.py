"""Run one call in a forked child process and bring its result (or exception) back.

For the history store's background days: parsing a day's report and writing its Parquet,
Arrow and zstd files touches ~15 MB of buffers and ~7 MB of library code that would
otherwise stay in (or peak) the gevent worker's RSS next to 1000 browser sockets. A child
made by fork needs no imports or set-up (~2 ms), owns every page it touches, and gives them
all back when it exits; an out-of-memory kill takes the child, not the gateway.

Call it from a plain OS thread (a CpuLane), not the gevent hub: it blocks until the child
is done, or until its deadline: a child that hangs (stopped, a parse gone wrong) is killed
then (ChildTimedOut), so whoever waits for it goes on. The child runs only `fn` and leaves with os._exit (no atexit, no hub, no sockets;
its copies of the worker's socket descriptors close with it, so a socket the worker closes
meanwhile is fully closed a fraction of a second later). Fork itself took 4-26 ms in the
loaded bench_fanout worker (1000 sockets), on the lane's thread, not the hub.
"""
from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class ChildDied(OSError):
    """The child ended without a result (killed, or its result could not be sent)."""

    def __init__(self, message: str, pid: int) -> None:
        super().__init__(message)
        self.pid = pid

    def __reduce__(self):               # pickled as raised (the message alone is not enough)
        return type(self), (str(self), self.pid)


class ChildTimedOut(ChildDied):
    """The child was still running at its deadline: it was killed."""


def _original(module: str, name: str):
    """os.fork, os.waitpid, select.poll as the OS gives them (gevent's patched ones need the hub)."""
    try:
        from gevent import monkey
        return monkey.get_original(module, name)
    except ImportError:
        return getattr(__import__(module), name)


def run_forked(fn: Callable[..., T], *args: object, timeout: float | None = None) -> T:
    """fn(*args) in a forked child: its return value, or the exception it raised. Past
    `timeout` seconds the child is killed and ChildTimedOut raised."""
    read_end, write_end = os.pipe()
    pid = _original("os", "fork")()
    if pid == 0:                                   # the child
        code = 1
        try:
            os.close(read_end)
            try:
                out = (True, fn(*args))
            except BaseException as exc:           # noqa: BLE001 - sent to the parent
                out = (False, exc)
            data = memoryview(pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL))
            while data:
                data = data[os.write(write_end, data):]
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    try:
        if not _read_all(read_end, chunks, None if timeout is None else time.monotonic() + timeout):
            os.kill(pid, signal.SIGKILL)           # also ends a stopped child
            raise ChildTimedOut(f"the background process {pid} took longer than {timeout:g} s "
                                "and was stopped", pid)
    finally:
        os.close(read_end)
        try:
            _original("os", "waitpid")(pid, 0)
        except ChildProcessError:                  # already reaped (a SIGCHLD handler)
            pass
    try:
        ok, value = pickle.loads(b"".join(chunks))
    except (EOFError, pickle.UnpicklingError):
        raise ChildDied(f"the background process {pid} ended without a result", pid) from None
    if ok:
        return value
    raise value


def _read_all(fd: int, chunks: list[bytes], deadline: float | None) -> bool:
    """Everything until the child closes its end; False if the deadline came first."""
    poller = _original("select", "poll")()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while True:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if not poller.poll(max(1, int(left * 1000))):
                continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return True
        chunks.append(chunk)
