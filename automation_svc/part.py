"""What the coordinator (engine.py) hands each part it feeds (relays, display pusher): the
shared services, and a lock of the part's own."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devicecloud.settings import Settings

from .audit import AuditLog
from .clock import Clock
from .commands import CloudCalls, CommandQueue

class Conflict(Exception):
    """The request is valid but not now (409)."""


class UnknownRelay(KeyError):
    pass


Sender = Callable[[dict[str, int]], Any]    # posts command values to the cloud (CloudClient.command)


@dataclass(frozen=True)
class Wiring:
    clock: Clock
    queue: CommandQueue             # the one worker every cloud call goes through
    audit: AuditLog
    cloud: CloudCalls               # how the latest cloud call went, for /health
    save: Callable[[], None]        # save the state file (with the part's lock released)
    wake: Callable[[], None]        # ask the coordinator for a tick now
    commit: Callable[[], None]      # save for an API change; raises store.NotSaved (-> undo it)


class Part:
    """`lock` guards the part's state; the coordinator holds it while taking a state-file
    snapshot, so a part saves only with it released."""

    def __init__(self, settings: Settings, wiring: Wiring, send: Sender) -> None:
        self.settings = settings
        self.clock, self.queue = wiring.clock, wiring.queue
        self.audit, self.cloud = wiring.audit, wiring.cloud
        self.send = send
        self._save, self._wake, self._commit = wiring.save, wiring.wake, wiring.commit
        self.lock = threading.RLock()

    def _changed(self) -> None:
        """After a change from the API: save it (raises NotSaved when it did not reach the disk;
        the caller undoes the change) and let the coordinator act on it now."""
        self._commit()
        self._wake()
