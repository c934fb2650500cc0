"""The relay controller: manual commands, sensor/time rule dispatch, confirmation from frames,
time-outs and re-sends, the relays' views and updates. Owns the `relays` slice of the state file;
the engine feeds it frames and the clock. Listeners are called with its lock held: queue only.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

from devicecloud.channels import RELAY_IDS
from devicecloud.frames import relay_state
from devicecloud.settings import Settings

from . import commands, relay_words
from .commands import confirms
from .latest import Latest
from .models import Command, CommandRequest, RelayRecord, RelayUpdate, Who, check_mode_rule
from .part import Conflict, Part, Sender, UnknownRelay, Wiring
from .relay_undo import undo_for
from .rules import wanted
from .store import NotSaved

log = logging.getLogger(__name__)
SEND_RETRY_MAX_S = 30.0       # cap on the re-send backoff of a command whose POST failed


class RelayController(Part):
    def __init__(self, settings: Settings, wiring: Wiring, send: Sender,
                 records: dict[str, RelayRecord]) -> None:
        super().__init__(settings, wiring, send)
        self.records = records
        self.actual: dict[str, int | None] = {rid: None for rid in RELAY_IDS}
        # Runtime only, never saved: relay -> its command while queued or being POSTed.
        self._in_flight: dict[str, Command] = {}
        # For metrics: finished commands by (who, result) and cloud calls by (who, outcome).
        self.finished: Counter[tuple[str, str]] = Counter()
        self.sends: Counter[tuple[str, str]] = Counter()
        # Who hears of every finished command (alerts).
        self.listeners: list[Callable[[RelayRecord], None]] = []
        self._restore_commands()

    def _restore_commands(self) -> None:
        now = self.clock.wall()
        for rec in self.records.values():
            cmd = rec.command
            if cmd and cmd.state == "pending" and cmd.sent_at is None:
                cmd.next_send_at = now    # it may never have left: send it (commands are absolute)

    # -- frames --------------------------------------------------------------------------------
    def on_frame(self, latest: Latest) -> None:
        """A live frame: update actual states and confirm pending commands."""
        received = latest.received_at
        changed = False
        with self.lock:
            for rid, rec in self.records.items():
                state = relay_state(latest.frame, rid)
                if state is None:
                    continue
                if self.actual[rid] is not None and self.actual[rid] != state:
                    rec.changed_at = received
                self.actual[rid] = state
                if rec.command and confirms(rec.command, latest.frame, received):
                    self._finish(rec, "confirmed", "a newer frame shows it")
                    changed = True
        if changed:
            self._save()

    # -- commands ------------------------------------------------------------------------------
    def _new_command(self, rid: str, desired: int, who: Who, why: str, priority: int | None) -> Command:
        """A new pending command, dispatched at `priority` (None: not yet; the caller dispatches
        it once it is saved, and nothing re-sends it before: next_send_at stays None)."""
        now = self.clock.wall()
        rec = self.records[rid]
        cmd = Command(relay=rid, desired=desired, who=who, why=why, since=now, next_send_at=now)
        cmd.audit_id = self.audit.add(now, who, relay_words.switch(rec.name, desired), why, "pending")
        rec.command = cmd
        if priority is None:
            cmd.next_send_at = None
        else:
            self._dispatch(cmd, priority)
        return cmd

    def _dispatch(self, cmd: Command, priority: int) -> None:
        self._in_flight[cmd.relay] = cmd
        cmd.next_send_at = None
        self.queue.submit(lambda: self._send(cmd), priority)

    def _landed(self, cmd: Command) -> None:
        if self._in_flight.get(cmd.relay) is cmd:
            del self._in_flight[cmd.relay]

    def _send(self, cmd: Command) -> None:
        """Runs on the queue worker: POST the command, then record how it went."""
        with self.lock:
            if self.records[cmd.relay].command is not cmd or cmd.state != "pending":
                self._landed(cmd)
                return
            cmd.attempts += 1
            # Set before the POST: a frame arriving while the POST is in flight may confirm it.
            cmd.sent_at = self.clock.wall()
        error = None
        try:
            self.send({cmd.relay: cmd.desired})
        except Exception as exc:  # CloudError, or anything a sender raises: retry, never crash
            error = str(exc) or type(exc).__name__
        self.cloud.record(error)
        with self.lock:
            self.sends[(cmd.who, "error" if error else "ok")] += 1
            self._landed(cmd)
            cmd.send_error = error
            if cmd.state == "pending":
                if error:
                    delay = min(2.0 ** cmd.attempts, SEND_RETRY_MAX_S)
                    cmd.next_send_at = self.clock.wall() + delay
                    cmd.reason = f"send failed ({error}); retrying in {delay:g} s"
                    log.warning("command %s -> %s: %s", cmd.relay, cmd.desired, cmd.reason)
                else:
                    cmd.reason = "sent; waiting for a newer frame"
        self._save()
        self._wake()

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
        for listener in self.listeners:
            listener(rec)

    def _cancel_rule_command(self, rec: RelayRecord, reason: str) -> None:
        """The rule that wanted this command is no longer in charge: end it now, so the admin's
        tap is not refused and a queued or re-sent POST never goes out (_send skips non-pending
        commands). FAILED in the API (SPEC 8 has no cancelled state); the reason and the audit
        say cancelled, and it is no failure of the relay, so no backoff and no failure count."""
        cmd = rec.command
        if not commands.cancel(cmd, reason, self.clock.wall()):
            return
        self.finished[(cmd.who, "cancelled")] += 1
        self.audit.update(cmd.audit_id, reason)
        log.info("command %s -> %s %s", cmd.relay, cmd.desired, reason)

    def command(self, rid: str, body: CommandRequest, who: Who = "admin") -> dict:
        """A manual switch: 202-style, the result comes from later frames."""
        with self.lock:
            rec = self._record(rid)
            if rec.mode != "manual":
                raise Conflict(f"{rec.name} is in {rec.mode} mode; switch it to manual first")
            if rec.command and rec.command.state == "pending":
                raise Conflict(f"{rec.name} already has a pending command; wait for it to be confirmed or fail")
            previous = rec.command
            cmd = self._new_command(rid, body.state, who, "manual switch", None)
            view = self._view(rid)
        # Sent only once saved: a command the disk did not take is undone, never sent (issue 21).
        try:
            self._commit()
        except NotSaved:
            with self.lock:
                if rec.command is cmd:
                    rec.command = previous
                self.audit.discard([cmd.audit_id])
            raise
        with self.lock:
            if rec.command is cmd and cmd.state == "pending" and self._in_flight.get(rid) is not cmd:
                self._dispatch(cmd, commands.MANUAL)
        return view

    # -- the periodic step ---------------------------------------------------------------------
    def tick(self, latest: Latest | None) -> None:
        """Time out and re-send commands, apply sensor/time rules."""
        now = self.clock.wall()
        changed = False
        with self.lock:
            for rid, rec in self.records.items():
                cmd = rec.command
                if cmd and cmd.state == "pending":
                    if now - cmd.since >= self.settings.command_timeout_s:
                        why = f"not confirmed within {self.settings.command_timeout_s:g} s"
                        if cmd.send_error:
                            why += f"; last send failed ({cmd.send_error})"
                        self._finish(rec, "failed", why)
                        changed = True
                    elif (self._in_flight.get(rid) is not cmd and cmd.next_send_at is not None
                          and now >= cmd.next_send_at):
                        self._dispatch(cmd, commands.MANUAL if cmd.who == "admin" else commands.AUTOMATED)
                if rec.mode != "manual" and not (rec.command and rec.command.state == "pending"):
                    changed |= self._automate(rid, rec, now, latest)
        if changed:
            self._save()

    def _known_state(self, rid: str) -> int | None:
        """The relay's state from the latest frame; without one (just restarted), the last
        confirmed command's state."""
        if self.actual[rid] is not None:
            return self.actual[rid]
        cmd = self.records[rid].command
        return cmd.desired if cmd and cmd.state == "confirmed" else None

    def _automate(self, rid: str, rec: RelayRecord, now: float, latest: Latest | None) -> bool:
        """Send the rule's state when it differs from the relay's, respecting backoff and dwell."""
        want, why = wanted(rec, now, latest, self._known_state(rid), self.settings)
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

    # -- views and updates ---------------------------------------------------------------------
    def _record(self, rid: str) -> RelayRecord:
        try:
            return self.records[rid]
        except KeyError:
            raise UnknownRelay(rid) from None

    def _view(self, rid: str) -> dict:
        rec = self.records[rid]
        return {
            "id": rid,
            "name": rec.name,
            "mode": rec.mode,
            "sensor": rec.sensor.model_dump() if rec.sensor else None,
            "time": rec.time.model_dump() if rec.time else None,
            "actual": self.actual[rid],
            "command": rec.command.public() if rec.command else None,
        }

    def views(self) -> list[dict]:
        with self.lock:
            return [self._view(rid) for rid in self.records]

    def view(self, rid: str) -> dict:
        with self.lock:
            self._record(rid)
            return self._view(rid)

    def update(self, rid: str, body: RelayUpdate, who: Who = "admin") -> dict:
        """Apply a validated partial update; nothing changes if the result is inconsistent."""
        with self.lock:
            rec = self._record(rid)
            changes = {k: v for k, v in body if k in body.model_fields_set and getattr(rec, k) != v}
            new_mode = changes.get("mode", rec.mode)
            check_mode_rule(new_mode, changes.get("sensor", rec.sensor), changes.get("time", rec.time))
            if changes:
                undo = undo_for(rec, self.audit, self.finished)
                if "mode" in changes:
                    self._cancel_rule_command(rec, f"cancelled: switched to {new_mode}")
                what = relay_words.changes(rec.name, changes)      # by the name it had
                for k, v in changes.items():
                    setattr(rec, k, v)
                rec.failures, rec.retry_at = 0, None    # a new rule starts without backoff
                audit_id = self.audit.add(self.clock.wall(), who, what, "rule change", "saved")
            view = self._view(rid)
        if changes:
            try:
                self._changed()
            except NotSaved:
                with self.lock:
                    undo()
                    self.audit.discard([audit_id])
                raise
        return view

    def names(self) -> dict[str, str]:
        with self.lock:
            return {rid: rec.name for rid, rec in self.records.items()}

    def pending(self) -> int:
        with self.lock:
            return sum(1 for r in self.records.values() if r.command and r.command.state == "pending")

    def dump(self) -> dict:
        """Its slice of the state file."""
        with self.lock:
            return {"relays": {rid: rec.model_dump(mode="json") for rid, rec in self.records.items()}}
