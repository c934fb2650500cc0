"""The audit log tail: who did what, why, with what result. Owns the `audit` and `audit_seq`
slice of the state file; every part (relays, display, alerts, logins) writes to it."""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable

from .models import AuditEntry, Who


class AuditLog:
    """Bounded, newest last. Entries have ids so a command's entry can be completed in place
    (pending -> confirmed/failed with its latency) instead of logging it twice. Its own lock:
    the other parts call it with theirs held, and it calls nothing."""

    def __init__(self, max_entries: int, entries: Iterable[AuditEntry] = (), seq: int = 0) -> None:
        self._lock = threading.Lock()
        self._entries: deque[AuditEntry] = deque(entries, maxlen=max_entries)
        self.seq = max([seq, *(e.id for e in self._entries)])

    def add(self, at: float, who: Who, what: str, why: str = "", result: str = "",
            latency_s: float | None = None) -> int:
        with self._lock:
            self.seq += 1
            self._entries.append(AuditEntry(id=self.seq, at=round(at, 3), who=who, what=what, why=why,
                                            result=result, latency_s=latency_s))
            return self.seq

    def update(self, entry_id: int | None, result: str, latency_s: float | None = None) -> None:
        with self._lock:
            # Newest entries are the likely ones; an entry that fell off the tail is simply gone.
            for e in reversed(self._entries):
                if e.id == entry_id:
                    e.result = result
                    e.latency_s = None if latency_s is None else round(latency_s, 3)
                    return

    def discard(self, entry_ids: list[int]) -> None:
        """Take back entries of a change that was undone (it did not reach the disk)."""
        drop = set(entry_ids)
        with self._lock:
            kept = [e for e in self._entries if e.id not in drop]
            self._entries.clear()
            self._entries.extend(kept)

    def entry(self, entry_id: int | None) -> AuditEntry | None:
        """A copy of one entry, if still in the tail."""
        with self._lock:
            return next((e.model_copy() for e in reversed(self._entries) if e.id == entry_id), None)

    def newest(self, limit: int) -> list[dict]:
        with self._lock:
            out = []
            for e in reversed(self._entries):
                if len(out) >= limit:
                    break
                out.append(e.model_dump(mode="json"))
            return out

    def dump(self) -> dict:
        """Its slice of the state file."""
        with self._lock:
            return {"audit": [e.model_dump(mode="json") for e in self._entries], "audit_seq": self.seq}
