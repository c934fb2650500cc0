"""forked.run_forked: the history store's background days run in a forked child, whose
memory never reaches the gateway worker; results and exceptions come back."""
from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from gateway_svc.history.forked import ChildDied, ChildTimedOut, run_forked
from gateway_svc.history import ReportFormatError

HELD: list[bytes] = []


def grow_and_sum(n: int) -> tuple[int, float]:
    HELD.append(b"x" * (8 << 20))                 # changes the child's memory only
    return os.getpid(), float(np.arange(n).sum())


def test_the_result_comes_back_and_the_childs_memory_stays_there():
    pid, total = run_forked(grow_and_sum, 1000)
    assert pid != os.getpid() and total == 499500.0
    assert HELD == []


def refuse(what: str) -> None:
    raise ReportFormatError(f"bad {what}")


def test_an_exception_in_the_child_is_raised_in_the_parent():
    with pytest.raises(ReportFormatError, match="bad report"):
        run_forked(refuse, "report")


def test_a_child_that_dies_without_a_result_is_a_clear_error():
    with pytest.raises(ChildDied, match="ended without a result"):
        run_forked(os._exit, 3)


def stop_myself() -> None:
    os.kill(os.getpid(), signal.SIGSTOP)         # as a child stopped from outside: never ends


def test_a_child_past_its_deadline_is_killed_and_a_clear_error():
    with pytest.raises(ChildTimedOut, match="longer than 0.5 s") as err:
        run_forked(stop_myself, timeout=0.5)
    with pytest.raises(ProcessLookupError):      # killed and reaped: no stopped child left behind
        os.kill(err.value.pid, 0)
    assert isinstance(err.value, ChildDied)      # callers that retry a died child retry this too
