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

from devicecloud.settings import Settings

from ..clock import Clock
from ..latest import Latest
from . import notify_view
from .channels import Channel, build_channels
from .evaluate import CommandResult, Evaluator
from .messages import Composer
from .models import AlertsState, AuditFn
from .outbox import Item, Outbox
from .rule_book import RuleBook
from .transitions import Effects, Ledger
from .worker import Worker


class Alerts:
    def __init__(self, settings: Settings, clock: Clock, *, audit: AuditFn, save: Callable[[], None],
                 state: AlertsState | None = None, channels: dict[str, Channel] | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self._audit = audit
        self._save = save
        self._lock = threading.RLock()
        state = state or AlertsState()
        self.composer = Composer(settings)
        self.channels = channels or build_channels(settings)
        self.outbox = Outbox(self.channels, clock, self.composer, settings.notify_max_per_hour,
                             save=self._save, state=state.outbox, on_result=self._delivered)
        self.ledger = Ledger(list(state.alerts), state.seq, self.composer, self.outbox)
        self.book = RuleBook(state.rules, forget=self._forget)
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
        fx = Effects()
        with self._lock:
            while self._events:
                ev = self._events.popleft()
                if isinstance(ev, Latest):
                    self.evaluator.frame(ev, fx)
                else:
                    self.evaluator.command(ev, self.clock.wall(), fx)
            self.evaluator.timers(self.clock.wall(), fx)
        self._apply(fx)

    def _apply(self, fx: Effects) -> None:
        for entry in fx.audits:            # each audit also saves the state file
            self._audit(*entry)
        if fx.dirty and not fx.audits:
            self._save()

    def _delivered(self, item: Item, ok: bool, error: str | None) -> None:
        if item.alert_id is None:
            return
        with self._lock:
            self.ledger.delivered(item, ok, error, self.clock.wall())

    # -- API -------------------------------------------------------------------------------------
    def alerts_view(self) -> dict:
        with self._lock:
            return self.ledger.view()

    def ack(self, alert_id: str, who: str = "admin") -> dict:
        fx = Effects()
        with self._lock:
            view = self.ledger.ack(alert_id, who, self.clock.wall(), fx)
        self._apply(fx)
        return view

    def rules_view(self) -> list[dict]:
        with self._lock:
            return self.book.view()

    def create_rule(self, body: dict, who: str = "admin") -> dict:
        fx, names = Effects(), self.relay_names()
        with self._lock:
            rule = self.book.create(body, who, fx, names)
        self._apply(fx)
        self.wake.set()
        return rule.model_dump(mode="json")

    def update_rule(self, rule_id: str, body: dict, who: str = "admin") -> dict:
        fx, names = Effects(), self.relay_names()
        with self._lock:
            rule, _ = self.book.update(rule_id, body, who, fx, names)
        self._apply(fx)
        self.wake.set()
        return rule.model_dump(mode="json")

    def delete_rule(self, rule_id: str, who: str = "admin") -> None:
        fx, names = Effects(), self.relay_names()
        with self._lock:
            self.book.delete(rule_id, who, fx, names)
        self._apply(fx)

    def _forget(self, rule_id: str, resolve_why: str | None, fx: Effects) -> None:
        """A changed rule starts its holds afresh; a disabled or deleted one resolves its alerts."""
        self.evaluator.forget_holds(rule_id)
        if resolve_why:
            self.ledger.resolve_rule(rule_id, resolve_why, self.clock.wall(), fx)
        fx.dirty = True

    def notify_view(self) -> dict:
        return notify_view.notify_view(self.channels, self.outbox)

    def send_test(self, channel: str) -> None:
        """Deliver a test message now; raises DeliveryError (-> 502) or Conflict when off."""
        notify_view.send_test(self.channels, self.outbox, self.composer, channel)

    # -- state file ------------------------------------------------------------------------------
    def dump(self) -> dict:
        with self._lock:
            return {"rules": self.book.view(), **self.ledger.dump(),
                    "holds": {k: round(v, 3) for k, v in self.evaluator.holds.items()},
                    "outbox": self.outbox.dump()}
