"""The audit log tail: who did what, why, with what result. Owns the `audit` and `audit_seq`
slice of the state file; every part (relays, display, alerts, logins) writes to it."""
from __future__ import annotations

import heapq
import threading
from collections import deque
from collections.abc import Iterable

from .models import AuditEntry, Who

LOGIN = "login"
LOGIN_OK = "ok"
LOGIN_SHARE = 5               # logins keep a ring of their own, a fifth of XO2_AUDIT_MAX (>= 10)


class AuditLog:
    """Bounded, newest last. Entries have ids so a command's entry can be completed in place
    (pending -> confirmed/failed with its latency) instead of logging it twice. Its own lock:
    the other parts call it with theirs held, and it calls nothing.

    Logins are anyone's to attempt, so they never share a ring with what the console did: a
    flood of them once evicted every relay command from the log (issue 21). They go to their own
    ring, and failed ones from one client in one minute are one entry whose `count` grows."""

    def __init__(self, max_entries: int, entries: Iterable[AuditEntry] = (), seq: int = 0) -> None:
        self._lock = threading.Lock()
        self._entries: deque[AuditEntry] = deque(maxlen=max_entries)
        self._logins: deque[AuditEntry] = deque(maxlen=max(10, max_entries // LOGIN_SHARE))
        for e in entries:
            self._ring(e.what).append(e)
        self.seq = max([seq, *(e.id for e in self._entries), *(e.id for e in self._logins)])

    def add(self, at: float, who: Who, what: str, why: str = "", result: str = "",
            latency_s: float | None = None) -> int:
        with self._lock:
            if what == LOGIN and result != LOGIN_OK:
                same = self._this_minutes_failure(at, why, result)
                if same is not None:
                    same.count += 1
                    return same.id
            self.seq += 1
            self._ring(what).append(AuditEntry(id=self.seq, at=round(at, 3), who=who, what=what, why=why,
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
            for e in heapq.merge(reversed(self._entries), reversed(self._logins), key=lambda e: -e.id):
                if len(out) >= limit:
                    break
                out.append(e.model_dump(mode="json"))
            return out

    def dump(self) -> dict:
        """Its slice of the state file: one list, oldest first (each entry's `what` says its ring)."""
        with self._lock:
            merged = heapq.merge(self._entries, self._logins, key=lambda e: e.id)
            return {"audit": [e.model_dump(mode="json") for e in merged], "audit_seq": self.seq}

    def _ring(self, what: str) -> deque[AuditEntry]:
        return self._logins if what == LOGIN else self._entries

    def _this_minutes_failure(self, at: float, why: str, result: str) -> AuditEntry | None:
        """The entry for the same failure from the same client (`why` names it) this minute."""
        minute = int(at // 60)
        for e in reversed(self._logins):
            if int(e.at // 60) != minute:
                if e.at < minute * 60:
                    return None              # older than this minute: no earlier entry can match
                continue
            if e.why == why and e.result == result:
                return e
        return None
