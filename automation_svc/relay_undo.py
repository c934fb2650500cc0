"""Undoing a relay change that did not reach the disk (issue 21: a write is never answered 2xx
unless saved, and then the relay is as before the request)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from .audit import AuditLog
from .models import RelayRecord


def undo_for(rec: RelayRecord, audit: AuditLog, finished: Counter) -> Callable[[], None]:
    """What puts `rec` back as it is now (lock held when called): its fields, and its command
    in place (the same object: the queue may hold it) with its audit entry's result."""
    fields = {k: getattr(rec, k) for k in type(rec).model_fields if k != "command"}
    cmd = rec.command
    cmd_fields = cmd.model_dump() if cmd else None
    entry = audit.entry(cmd.audit_id) if cmd else None
    counts = finished.copy()

    def undo() -> None:
        for k, v in fields.items():
            setattr(rec, k, v)
        rec.command = cmd
        if cmd is not None:
            for k, v in cmd_fields.items():
                setattr(cmd, k, v)
            if entry is not None:
                audit.update(entry.id, entry.result, entry.latency_s)
        finished.clear()
        finished.update(counts)
    return undo
