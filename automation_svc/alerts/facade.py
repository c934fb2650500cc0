"""Alerts: rules evaluated against arrival-timed frames, relay command results and the clock;
each alert goes firing -> acknowledged -> resolved, audited and notified. This class is the part's
public face; the work is in evaluate.py, transitions.py, rule_book.py, worker.py and outbox.py.

Inputs (any thread): on_frame() and on_command_finished() only queue an event and wake the
alerts worker, so the cloud socket and the relay controller (which calls the command listener
with its lock held) never wait for alerts. step() (the worker, or a test by hand) applies the
events and the timers. Times are this console's arrival times (the engine's stamp and the
injected Clock), never a frame's `ts`. Hold starts are stored as wall times in the state file,
so a `for_s` hold that was running continues after a restart, and a firing alert stays firing
without a second "firing" message.

Locking: the store's lock is held when dump() takes `_lock` (the state file snapshot), so
nothing here calls the engine (audit, save) while holding `_lock`.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import TypeVar

from devicecloud.settings import Settings

from ..clock import Clock
from ..latest import Latest
from ..store import NotSaved
from . import notify_view
from .channels import Channel
from .http_channels import build_channels
from .evaluate import CommandResult, Evaluator
from .messages import Composer
from .models import AlertsState, AuditFn
from .outbox import Outbox
from .outbox_state import Item
from .models import Conflict, NotFound
from .rule_book import RuleBook
from .silences import Silences
from .silences import parse as parse_silence
from .transitions import Effects, Ledger
from .undo import checkpoint
from .worker import Worker

T = TypeVar("T")
CommitFn = Callable[[list[tuple[str, str, str, str]]], None]   # audits; raises NotSaved


class Alerts:
    def __init__(self, settings: Settings, clock: Clock, *, audit: AuditFn, save: Callable[[], None],
                 state: AlertsState | None = None, channels: dict[str, Channel] | None = None,
                 commit: CommitFn | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self._audit = audit
        self._save = save
        self._commit = commit or self._audit_and_save
        self._lock = threading.RLock()
        self._writing = threading.Lock()     # an API change, or a step: one at a time
        state = state or AlertsState()
        self.composer = Composer(settings)
        self.channels = channels or build_channels(settings)
        self.outbox = Outbox(self.channels, clock, self.composer, settings.notify_max_per_hour,
                             save=self._save, state=state.outbox, on_result=self._delivered)
        self.book = RuleBook(state.rules, forget=self._forget, offered=state.defaults_offered)
        self.silences = Silences(state.silences, settings.tz, self._rule_name)
        self.ledger = Ledger(list(state.alerts), state.seq, self.composer, self.outbox, muted=self.silences.muted)
        self.evaluator = Evaluator(settings, self.book, self.ledger, dict(state.holds), clock.wall())
        self._events: deque[Latest | CommandResult] = deque(maxlen=10_000)
        # Relay id -> its own name, for rule names and the audit (service.py wires the relays);
        # read before taking `_lock`, so the relays' lock is never taken inside it.
        self.relay_names: Callable[[], dict[str, str]] = dict
        self.worker = Worker(self.step)
        self.wake = self.worker.wake

    # -- inputs (any thread; cheap) --------------------------------------------------------------
    def on_frame(self, latest: Latest) -> None:
        """A live frame with the engine's arrival stamp (the one stamp relays see too)."""
        self._events.append(latest)
        self.wake.set()

    def on_command_finished(self, rec) -> None:
        """Relay controller listener (called with its lock held): a relay command confirmed/failed."""
        cmd = rec.command
        self._events.append(CommandResult(cmd.relay, rec.name, cmd.state, cmd.desired, cmd.reason))
        self.wake.set()

    # -- the worker ------------------------------------------------------------------------------
    def start(self) -> None:
        self.outbox.start()
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
        self.outbox.stop()

    def step(self) -> None:
        """Apply queued frames and command results, then the timers."""
        with self._writing:
            self._step()

    def _step(self) -> None:
        fx = Effects()
        with self._lock:
            while self._events:
                ev = self._events.popleft()
                if isinstance(ev, Latest):
                    self.evaluator.frame(ev, fx)
                else:
                    self.evaluator.command(ev, self.clock.wall(), fx)
            now = self.clock.wall()
            self.evaluator.timers(now, fx)
            for silence in self.silences.expire(now):
                fx.audits.append(("system", "silence ended", self.silences.describe(silence), "expired"))
            self.ledger.unsilenced(now, fx)
        self._apply(fx)

    def _apply(self, fx: Effects) -> None:
        for entry in fx.audits:            # each audit also saves the state file
            self._audit(*entry)
        if fx.dirty and not fx.audits:
            self._save()

    def _audit_and_save(self, audits: list[tuple[str, str, str, str]]) -> None:
        self._apply(Effects(audits=list(audits), dirty=True))

    def _write(self, change: Callable[[Effects], T]) -> T:
        """An API change: made, then saved with its audit entries, or undone when that did not
        reach the disk (NotSaved -> 507). Nothing it queues is sent before it is saved."""
        with self._writing:
            with self._lock:
                undo = checkpoint(self)
                try:
                    fx = Effects()
                    result = change(fx)
                except BaseException:
                    self.outbox.release()
                    raise
            try:
                self._commit(fx.audits)
            except NotSaved:
                with self._lock:
                    undo()
                raise
            finally:
                self.outbox.release()
        self.wake.set()
        return result

    def _delivered(self, item: Item, ok: bool, error: str | None, dead: bool = False) -> None:
        if item.alert_id is None:
            return
        with self._lock:
            self.ledger.delivered(item, ok, error, self.clock.wall(), dead)

    # -- API -------------------------------------------------------------------------------------
    def alerts_view(self) -> dict:
        with self._lock:
            return self.ledger.view()

    def ack(self, alert_id: str, who: str = "admin") -> dict:
        return self._write(lambda fx: self.ledger.ack(alert_id, who, self.clock.wall(), fx))

    def rules_view(self) -> list[dict]:
        with self._lock:
            return self.book.view()

    def create_rule(self, body: dict, who: str = "admin") -> dict:
        names = self.relay_names()            # before the lock (see relay_names)
        return self._write(lambda fx: self.book.create(body, who, fx, names).model_dump(mode="json"))

    def update_rule(self, rule_id: str, body: dict, who: str = "admin") -> dict:
        names = self.relay_names()
        return self._write(lambda fx: self.book.update(rule_id, body, who, fx, names)[0].model_dump(mode="json"))

    def delete_rule(self, rule_id: str, who: str = "admin") -> None:
        names = self.relay_names()
        self._write(lambda fx: self.book.delete(rule_id, who, fx, names))

    def _forget(self, rule_id: str, resolve_why: str | None, fx: Effects) -> None:
        """A changed rule starts its holds afresh; a disabled or deleted one resolves its alerts."""
        self.evaluator.forget_holds(rule_id)
        if resolve_why:
            self.ledger.resolve_rule(rule_id, resolve_why, self.clock.wall(), fx)
        fx.dirty = True

    # -- silences ---------------------------------------------------------------------------------
    def _rule_name(self, rule_id: str) -> str:
        rule = self.book.for_key(rule_id)
        return rule.name if rule else f"rule {rule_id} (deleted)"

    def silences_view(self) -> list[dict]:
        with self._lock:
            return self.silences.view(self.clock.wall())

    def create_silence(self, body: dict, who: str = "admin") -> dict:
        def change(fx: Effects) -> dict:
            now = self.clock.wall()
            silence = parse_silence(body, now, {r.id for r in self.book.rules})
            silence.created_by = who
            self.silences.add(silence, now)
            fx.audits.append((who, "silence created", self.silences.describe(silence), "saved"))
            return silence.model_dump(mode="json")
        return self._write(change)

    def end_silence(self, silence_id: str, who: str = "admin") -> None:
        """End a silence early (404 when there is none by that id)."""
        def change(fx: Effects) -> None:
            silence = self.silences.end(silence_id)
            if silence is None:
                raise NotFound(silence_id)
            fx.audits.append((who, "silence ended", self.silences.describe(silence), "ended early"))
            self.ledger.unsilenced(self.clock.wall(), fx)
        self._write(change)

    # -- dead letters ----------------------------------------------------------------------------
    def dead_letters(self) -> list[dict]:
        return self.outbox.dead_letters()

    def retry_dead_letter(self, letter_id: str, who: str = "admin") -> dict:
        """Queue a dead letter again (404 unknown; 409 when its channel is no longer set up)."""
        def change(fx: Effects) -> dict:
            letter = next((d for d in self.outbox.dead_letters() if str(d["id"]) == letter_id), None)
            if letter is None:
                raise NotFound(letter_id)
            ch = self.channels.get(letter["channel"])
            if ch is None or not ch.configured:
                raise Conflict(ch.missing() if ch else "that channel no longer exists")
            item = self.outbox.retry_dead(letter["id"])
            fx.audits.append((who, "dead letter retried", f"{item.channel}: {item.subject}", "queued"))
            return {"id": item.id, "channel": item.channel, "queued": True}
        return self._write(change)

    def discard_dead_letter(self, letter_id: str, who: str = "admin") -> None:
        def change(fx: Effects) -> None:
            item = self.outbox.discard_dead(int(letter_id)) if letter_id.isascii() and letter_id.isdigit() else None
            if item is None:
                raise NotFound(letter_id)
            fx.audits.append((who, "dead letter discarded", f"{item.channel}: {item.subject}", "saved"))
        self._write(change)

    def notify_view(self) -> dict:
        return notify_view.notify_view(self.channels, self.outbox)

    def send_test(self, channel: str) -> None:
        """Deliver a test message now; raises DeliveryError (-> 502) or Conflict when off."""
        notify_view.send_test(self.channels, self.outbox, self.composer, channel)

    # -- state file ------------------------------------------------------------------------------
    def dump(self) -> dict:
        with self._lock:
            return {"rules": self.book.view(), "defaults_offered": list(self.book.offered), **self.ledger.dump(),
                    "holds": {k: round(v, 3) for k, v in self.evaluator.holds.items()},
                    "outbox": self.outbox.dump(), "silences": self.silences.dump()}
