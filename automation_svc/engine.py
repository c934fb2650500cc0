"""The relay engine, driven by `on_frame()` and `tick()`; the display pusher (display_pusher.py)
is fed frames and the clock from here.

Nothing here sleeps or reads the system clock directly: time comes from the injected Clock,
cloud calls go through the CommandQueue, so tests drive it step by step with a FakeClock
(`clock.advance(60); engine.tick(); engine.queue.drain()`), and production calls tick() from
a loop (service.py).

Locking: `_lock` guards all state. `_persist()` takes the store's lock and then `_lock` for the
snapshot, so it must be called with `_lock` released.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from devicecloud.channels import RELAY_IDS
from devicecloud.frames import relay_state, value
from devicecloud.settings import Settings

from . import commands
from .audit import AuditLog
from .clock import Clock
from .commands import CloudCalls, CommandQueue, confirms
from .display_pusher import DisplayPusher
from .latest import Latest
from .models import (Command, CommandRequest, DisplayConfig, RelayRecord, RelayUpdate, StateFile, Who,
                     check_mode_rule, default_relays)
from .rules import sensor_wanted, time_wanted
from .store import StateStore

log = logging.getLogger(__name__)
Sender = Callable[[dict[str, int]], Any]
RULE_PERIOD_S = 1.0           # how often rules are re-evaluated without a new frame
SEND_RETRY_MAX_S = 30.0       # cap on the re-send backoff of a command whose POST failed


class Conflict(Exception):
    """The request is valid but not now (409)."""


class UnknownRelay(KeyError):
    pass


def _on_off(state: int) -> str:
    return "ON" if state else "OFF"


class Engine:
    def __init__(self, settings: Settings, store: StateStore, sender: Sender, clock: Clock, *,
                 display_sender: Sender | None = None, queue: CommandQueue | None = None) -> None:
        self.settings = settings
        self.store = store
        self.send_relay = sender
        self.clock = clock
        self.queue = queue or CommandQueue()
        self.wake = threading.Event()        # set when a frame or a change wants a tick now
        self._lock = threading.RLock()
        self.latest: Latest | None = None
        self.actual: dict[str, int | None] = {rid: None for rid in RELAY_IDS}
        self.cloud = CloudCalls(clock.wall)
        # For metrics: finished commands by (who, result) and cloud calls by (who, outcome).
        self.finished: Counter[tuple[str, str]] = Counter()
        self.sends: Counter[tuple[str, str]] = Counter()
        self.frames = 0
        # Other concerns (alerts): their slices of the state file, saved with ours, and who
        # hears of every finished command (called with _lock held: they must only queue it).
        self.slices: dict[str, Callable[[], dict]] = {}
        self.command_listeners: list[Callable[[RelayRecord], None]] = []

        loaded = store.load(StateFile.model_validate)
        self.relays: dict[str, RelayRecord] = default_relays()
        display_cfg = DisplayConfig()
        self.audit = AuditLog(settings.audit_max)
        if loaded is not None:
            self.relays.update(loaded.relays)
            display_cfg = loaded.display
            self.audit = AuditLog(settings.audit_max, loaded.audit, loaded.audit_seq)
        self.display = DisplayPusher(settings, display_cfg, clock=clock, queue=self.queue,
                                     send=display_sender or sender, audit=self.audit, cloud=self.cloud,
                                     save=self._persist, wake=self.wake.set)
        self._restore_commands()
        if store.load_error:
            # The bad file is already kept aside (or saving is disabled), so this save is safe.
            self.audit.add(clock.wall(), "system", "state file rejected", store.load_error,
                           f"kept as {store.kept_aside}; started on defaults" if store.kept_aside
                           else "not saving until it is fixed")
            self._persist()

    # -- persistence ---------------------------------------------------------------------------
    def _snapshot(self) -> dict:
        with self._lock, self.display.lock:
            return {
                "relays": {rid: rec.model_dump(mode="json") for rid, rec in self.relays.items()},
                **self.display.dump(),
                **self.audit.dump(),
                **{name: dump() for name, dump in self.slices.items()},
            }

    def _persist(self) -> None:
        self.store.save(self._snapshot)

    def persist(self) -> None:
        """Save the state file now (a slice's owner calls this after a change)."""
        self._persist()

    def _restore_commands(self) -> None:
        now = self.clock.wall()
        for rec in self.relays.values():
            cmd = rec.command
            if cmd and cmd.state == "pending" and cmd.sent_at is None:
                cmd.next_send_at = now    # it may never have left: send it (commands are absolute)

    # -- frames --------------------------------------------------------------------------------
    def on_frame(self, frame: dict) -> None:
        """A live frame: update actual states and confirm pending commands."""
        received = self.clock.wall()
        changed = False
        with self._lock:
            self.frames += 1
            if self.latest is None:
                self.display.show_now()
            self.latest = Latest(frame, received)
            for rid, rec in self.relays.items():
                state = relay_state(frame, rid)
                if state is None:
                    continue
                if self.actual[rid] is not None and self.actual[rid] != state:
                    rec.changed_at = received
                self.actual[rid] = state
                if rec.command and confirms(rec.command, frame, received):
                    self._finish(rec, "confirmed", "a newer frame shows it")
                    changed = True
        if changed:
            self._persist()
        self.wake.set()

    def frame_age_s(self) -> float | None:
        latest = self.latest
        return None if latest is None else latest.age_s(self.clock.wall())

    # -- commands ------------------------------------------------------------------------------
    def _new_command(self, rid: str, desired: int, who: Who, why: str, priority: int) -> Command:
        now = self.clock.wall()
        rec = self.relays[rid]
        cmd = Command(relay=rid, desired=desired, who=who, why=why, since=now, next_send_at=now)
        cmd.audit_id = self.audit.add(now, who, f"{rid} ({rec.name}) -> {_on_off(desired)}", why, "pending")
        rec.command = cmd
        self._dispatch(cmd, priority)
        return cmd

    def _dispatch(self, cmd: Command, priority: int) -> None:
        cmd._in_flight = True
        cmd.next_send_at = None
        self.queue.submit(lambda: self._send(cmd), priority)

    def _send(self, cmd: Command) -> None:
        """Runs on the queue worker: POST the command, then record how it went."""
        with self._lock:
            if self.relays[cmd.relay].command is not cmd or cmd.state != "pending":
                cmd._in_flight = False
                return
            cmd.attempts += 1
            # Set before the POST: a frame arriving while the POST is in flight may confirm it.
            cmd.sent_at = self.clock.wall()
        error = None
        try:
            self.send_relay({cmd.relay: cmd.desired})
        except Exception as exc:  # CloudError, or anything a sender raises: retry, never crash
            error = str(exc) or type(exc).__name__
        self.cloud.record(error)
        with self._lock:
            self.sends[(cmd.who, "error" if error else "ok")] += 1
            cmd._in_flight = False
            cmd.send_error = error
            if cmd.state == "pending":
                if error:
                    delay = min(2.0 ** cmd.attempts, SEND_RETRY_MAX_S)
                    cmd.next_send_at = self.clock.wall() + delay
                    cmd.reason = f"send failed ({error}); retrying in {delay:g} s"
                    log.warning("command %s -> %s: %s", cmd.relay, cmd.desired, cmd.reason)
                else:
                    cmd.reason = "sent; waiting for a newer frame"
        self._persist()
        self.wake.set()

    def _finish(self, rec: RelayRecord, state: str, reason: str) -> None:
        cmd = rec.command
        now = self.clock.wall()
        cmd.state = state
        cmd.reason = reason
        cmd.done_at = now
        cmd.next_send_at = None
        self.finished[(cmd.who, state)] += 1
        if state == "confirmed":
            cmd.latency_s = round(now - cmd.since, 3)
        self.audit.update(cmd.audit_id, state if state == "confirmed" else f"failed: {reason}", cmd.latency_s)
        if cmd.who == "rule":
            if state == "confirmed":
                rec.failures, rec.retry_at = 0, None
            else:
                rec.failures += 1
                backoff = min(self.settings.retry_backoff_s * 2 ** (rec.failures - 1),
                              self.settings.retry_backoff_max_s)
                rec.retry_at = now + backoff
        log.info("command %s -> %s %s (%s)", cmd.relay, cmd.desired, state, reason)
        for listener in self.command_listeners:
            listener(rec)

    def _cancel_rule_command(self, rec: RelayRecord, reason: str) -> None:
        """The rule that wanted this command is no longer in charge: end it now, so the admin's
        tap is not refused and a queued or re-sent POST never goes out (_send skips non-pending
        commands). FAILED in the API (SPEC 8 has no cancelled state); the reason and the audit
        say cancelled, and it is no failure of the relay, so no backoff and no failure count."""
        cmd = rec.command
        if cmd is None or cmd.state != "pending" or cmd.who != "rule":
            return
        cmd.state, cmd.reason = "failed", reason
        cmd.done_at, cmd.next_send_at = self.clock.wall(), None
        self.finished[(cmd.who, "cancelled")] += 1
        self.audit.update(cmd.audit_id, reason)
        log.info("command %s -> %s %s", cmd.relay, cmd.desired, reason)

    def command(self, rid: str, body: CommandRequest, who: Who = "admin") -> dict:
        """A manual switch: 202-style, the result comes from later frames."""
        with self._lock:
            rec = self._relay(rid)
            if rec.mode != "manual":
                raise Conflict(f"{rid} is in {rec.mode} mode; switch it to manual first")
            if rec.command and rec.command.state == "pending":
                raise Conflict(f"{rid} already has a pending command; wait for it to be confirmed or fail")
            self._new_command(rid, body.state, who, "manual switch", commands.MANUAL)
            view = self._view(rid)
        self._persist()
        return view

    # -- the periodic step ---------------------------------------------------------------------
    def tick(self) -> float:
        """Time out and re-send commands, apply sensor/time rules, push the display when due.
        Returns the monotonic time the next tick is wanted."""
        now, mono = self.clock.wall(), self.clock.mono()
        changed = False
        with self._lock:
            for rid, rec in self.relays.items():
                cmd = rec.command
                if cmd and cmd.state == "pending":
                    if now - cmd.since >= self.settings.command_timeout_s:
                        why = f"not confirmed within {self.settings.command_timeout_s:g} s"
                        if cmd.send_error:
                            why += f"; last send failed ({cmd.send_error})"
                        self._finish(rec, "failed", why)
                        changed = True
                    elif not cmd._in_flight and cmd.next_send_at is not None and now >= cmd.next_send_at:
                        self._dispatch(cmd, commands.MANUAL if cmd.who == "admin" else commands.AUTOMATED)
                if rec.mode != "manual" and not (rec.command and rec.command.state == "pending"):
                    changed |= self._automate(rid, rec, now)
        if changed:
            self._persist()
        display_at = self.display.tick(self.latest)
        next_at = mono + RULE_PERIOD_S
        return next_at if display_at is None else min(next_at, display_at)

    def _known_state(self, rid: str) -> int | None:
        """The relay's state from the latest frame; without one (just restarted), the last
        confirmed command's state."""
        if self.actual[rid] is not None:
            return self.actual[rid]
        cmd = self.relays[rid].command
        return cmd.desired if cmd and cmd.state == "confirmed" else None

    def wanted(self, rid: str, now: float) -> tuple[int | None, str]:
        rec = self.relays[rid]
        if rec.mode == "time" and rec.time:
            return time_wanted(rec.time, datetime.fromtimestamp(now, self.settings.tz))
        if rec.mode == "sensor" and rec.sensor:
            latest = self.latest
            fresh = latest is not None and now - latest.received_at <= self.settings.sensor_max_age_s
            reading = value(latest.frame, rec.sensor.channel) if fresh else None
            return sensor_wanted(rec.sensor, reading, self._known_state(rid))
        return None, "manual"

    def _automate(self, rid: str, rec: RelayRecord, now: float) -> bool:
        """Send the rule's state when it differs from the relay's, respecting backoff and dwell."""
        want, why = self.wanted(rid, now)
        if want is None:
            return False
        known = self._known_state(rid)
        if known == want:
            return False
        if rec.retry_at is not None and now < rec.retry_at:
            return False
        # Minimum dwell: a relay that just changed stays put for a while, so noisy data cannot flap it.
        if rec.changed_at is not None and now - rec.changed_at < self.settings.min_dwell_s:
            return False
        if known is None:
            why += "; relay state not yet known"
        if rec.failures:
            why += f"; retry {rec.failures}"
        self._new_command(rid, want, "rule", f"{rec.mode} rule: {why}", commands.AUTOMATED)
        return True

    # -- relays --------------------------------------------------------------------------------
    def _relay(self, rid: str) -> RelayRecord:
        try:
            return self.relays[rid]
        except KeyError:
            raise UnknownRelay(rid) from None

    def _view(self, rid: str) -> dict:
        rec = self.relays[rid]
        return {
            "id": rid,
            "name": rec.name,
            "mode": rec.mode,
            "sensor": rec.sensor.model_dump() if rec.sensor else None,
            "time": rec.time.model_dump() if rec.time else None,
            "actual": self.actual[rid],
            "command": rec.command.public() if rec.command else None,
        }

    def relays_view(self) -> list[dict]:
        with self._lock:
            return [self._view(rid) for rid in self.relays]

    def relay_view(self, rid: str) -> dict:
        with self._lock:
            self._relay(rid)
            return self._view(rid)

    def update_relay(self, rid: str, body: RelayUpdate, who: Who = "admin") -> dict:
        """Apply a validated partial update; nothing changes if the result is inconsistent."""
        with self._lock:
            rec = self._relay(rid)
            changes = {k: v for k, v in body if k in body.model_fields_set and getattr(rec, k) != v}
            new_mode = changes.get("mode", rec.mode)
            check_mode_rule(new_mode, changes.get("sensor", rec.sensor), changes.get("time", rec.time))
            if changes:
                if "mode" in changes:
                    self._cancel_rule_command(rec, f"cancelled: switched to {new_mode}")
                for k, v in changes.items():
                    setattr(rec, k, v)
                rec.failures, rec.retry_at = 0, None    # a new rule starts without backoff
                what = f"{rid}: " + "; ".join(
                    f"{k}={v.model_dump() if hasattr(v, 'model_dump') else v}" for k, v in changes.items())
                self.audit.add(self.clock.wall(), who, what, "rule change", "saved")
            view = self._view(rid)
        if changes:
            self._persist()
            self.wake.set()
        return view

    # -- audit and health ----------------------------------------------------------------------
    def audit_entries(self, limit: int) -> list[dict]:
        with self._lock:
            return self.audit.newest(limit)

    def record(self, who: Who, what: str, why: str, result: str) -> None:
        """Audit something that is not a command (e.g. a login)."""
        with self._lock:
            self.audit.add(self.clock.wall(), who, what, why, result)
        self._persist()

    def health(self, socket_connected: bool) -> dict:
        age = self.frame_age_s()
        state_file = self.store.status()
        fresh = age is not None and age <= self.settings.frame_stale_s
        cloud_error = self.cloud.error()
        ok = socket_connected and fresh and state_file["ok"] and cloud_error is None
        display = self.display.status()
        with self._lock:
            pending = sum(1 for r in self.relays.values() if r.command and r.command.state == "pending")
        return {
            "status": "ok" if ok else "degraded",
            "upstream": {"socket_connected": socket_connected,
                         "last_frame_age_s": None if age is None else round(age, 1)},
            "state_file": state_file,
            "display": display,
            "commands": {"pending": pending, "queued": self.queue.depth(), "last_cloud_error": cloud_error},
        }
