"""The outbox's dead letters: messages set aside because they failed for a reason other than the
network (issue 21), so one bad message never holds back the others. Kept, bounded, in the
state file; the admin retries or discards them from the Alerts page."""
from __future__ import annotations

import logging
import threading

from ..clock import Clock
from .outbox_state import DeadLetter, Item, OutboxState

log = logging.getLogger(__name__)

MAX_DEAD = 100              # dead letters kept (all channels); the oldest go beyond this


class DeadLetters:
    """Part of Outbox: what it keeps, under its lock."""
    state: OutboxState
    clock: Clock
    _lock: threading.RLock
    _wake: dict[str, threading.Event]

    def _bury(self, item: Item, reason: str, now: float) -> None:
        """Move a message from the queue to the dead letters (lock held)."""
        if item in self.state.items:
            self.state.items.remove(item)
        self.state.dead.append(DeadLetter(item=item, reason=reason, at=round(now, 3)))
        if len(self.state.dead) > MAX_DEAD:
            log.warning("dropping %d old dead letter(s)", len(self.state.dead) - MAX_DEAD)
            del self.state.dead[:-MAX_DEAD]

    # -- dead letters (the caller saves) ----------------------------------------------------------
    def dead_letters(self) -> list[dict]:
        """Newest first."""
        with self._lock:
            return [d.public() for d in reversed(self.state.dead)]

    def _take_dead(self, item_id: int) -> DeadLetter | None:
        dead = next((d for d in self.state.dead if d.item.id == item_id), None)
        if dead is not None:
            self.state.dead.remove(dead)
        return dead

    def retry_dead(self, item_id: int) -> Item | None:
        """Queue a dead letter again (at the end of its channel's queue); None if there is none."""
        with self._lock:
            dead = self._take_dead(item_id)
            if dead is None:
                return None
            self.state.seq += 1                # a new queue entry (and held like one by hold())
            item = dead.item.model_copy(update={"id": self.state.seq, "next_at": self.clock.wall(),
                                                "attempts": 0, "last_error": None})
            self.state.items.append(item)
        self._wake[item.channel].set()
        return item

    def discard_dead(self, item_id: int) -> Item | None:
        with self._lock:
            dead = self._take_dead(item_id)
            return dead.item if dead else None
