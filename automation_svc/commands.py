"""The single command queue and the rule for "a frame confirms a command".

One worker sends every cloud command, so manual, automated and display commands never
interleave. Relay commands go before display pushes, and display pushes are coalesced (only
the newest waits), so a display push delays a manual command by at most the one call in flight.
"""
from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from devicecloud.frames import relay_state

from .models import Command

log = logging.getLogger(__name__)

MANUAL, AUTOMATED, DISPLAY = 0, 1, 2     # queue priorities, lowest first
CLOUD_ERROR_HOLD_S = 60.0     # a failed cloud call degrades health for at most this long


@dataclass(order=True)
class _Job:
    priority: int
    seq: int
    fn: Callable[[], None] = field(compare=False)
    key: str | None = field(default=None, compare=False)


class CommandQueue:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._jobs: list[_Job] = []
        self._seq = itertools.count()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.busy = False

    def submit(self, fn: Callable[[], None], priority: int, key: str | None = None) -> None:
        """Queue a job; a queued (not yet running) job with the same key is replaced."""
        with self._cond:
            if key is not None:
                self._jobs = [j for j in self._jobs if j.key != key]
            self._jobs.append(_Job(priority, next(self._seq), fn, key))
            self._cond.notify()

    def depth(self) -> int:
        with self._cond:
            return len(self._jobs)

    def _pop(self) -> _Job | None:
        if not self._jobs:
            return None
        job = min(self._jobs)
        self._jobs.remove(job)
        return job

    @staticmethod
    def _run(job: _Job) -> None:
        try:
            job.fn()
        except Exception:   # a failed job must never stop the worker
            log.exception("command job failed")

    def run_one(self) -> bool:
        """Run the next job in the caller's thread (tests); False when the queue is empty."""
        with self._cond:
            job = self._pop()
        if job is None:
            return False
        self._run(job)
        return True

    def drain(self, max_jobs: int = 1000) -> int:
        n = 0
        while n < max_jobs and self.run_one():
            n += 1
        return n

    # -- background worker ---------------------------------------------------------------------
    def start(self) -> "CommandQueue":
        self._thread = threading.Thread(target=self._work, name="command-queue", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                job = self._pop()
                self.busy = True
            self._run(job)
            self.busy = False


class CloudCalls:
    """How the latest cloud command call (relay or display) went, for /health: its error, or
    None once one succeeds."""

    def __init__(self, wall: Callable[[], float]) -> None:
        self._wall = wall
        self._last: tuple[str | None, float] = (None, 0.0)   # one tuple: read and replaced whole

    def record(self, error: str | None) -> None:
        self._last = (error, self._wall())

    def error(self) -> str | None:
        """The latest call's error; an old one with no call since (display paused, no commands)
        says nothing about now."""
        error, at = self._last
        return error if self._wall() - at <= CLOUD_ERROR_HOLD_S else None


def confirms(cmd: Command, frame: dict, received_at: float) -> bool:
    """A frame confirms a command when it arrived (on our clock) after the command's POST started
    and shows the requested state. The unit's `ts` plays no part: a unit clock that is minutes
    off or steps changes nothing (SPEC 11). No extra guard for a frame already in flight at send
    time: such a frame shows the state from before the command, and commands are only sent to
    change a state (a rule sends only when the relay differs; a tap asks for the other state), so
    it cannot show the requested one. A guard would cost a whole frame period whenever the unit
    is quicker than it (bench_relay's 0.5 s unit would miss its target)."""
    return (cmd.state == "pending" and cmd.sent_at is not None
            and received_at > cmd.sent_at
            and relay_state(frame, cmd.relay) == cmd.desired)


def cancel(cmd: Command | None, reason: str, now: float) -> bool:
    """End a rule's pending command (its rule is no longer in charge); False if there is none."""
    if cmd is None or cmd.state != "pending" or cmd.who != "rule":
        return False
    cmd.state, cmd.reason = "failed", reason
    cmd.done_at, cmd.next_send_at = now, None
    return True
