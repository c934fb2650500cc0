"""Undoing an API change to the alerts that did not reach the disk (issue 21: a write is never
answered 2xx unless saved, and then the service is as before the request). The alerts lock is
held and no step() runs (the facade's write lock) while a change is made and while it is undone;
delivery notes that came in meanwhile are facts about messages, and are kept."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .facade import Alerts


def checkpoint(alerts: Alerts) -> Callable[[], None]:
    """What puts the alerts back as they are now (call it with the alerts lock held)."""
    ledger, book, evaluator, silences = alerts.ledger, alerts.book, alerts.evaluator, alerts.silences
    saved = [a.model_copy(deep=True) for a in ledger.alerts]
    seq, rules, holds, items = ledger.seq, list(book.rules), dict(evaluator.holds), list(silences.items)
    mark = alerts.outbox.hold()

    def undo() -> None:
        now = {a.id: a for a in ledger.alerts}
        for a in saved:
            if a.id in now:
                a.notified = now[a.id].notified
        ledger.alerts, ledger.seq = saved, seq
        book.rules = rules
        evaluator.holds.clear()
        evaluator.holds.update(holds)
        silences.items = items
        alerts.outbox.undo(mark)
    return undo
