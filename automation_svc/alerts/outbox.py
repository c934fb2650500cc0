"""The persisted outbox: every notification waits here until its channel delivers it.

- Per channel, in order: a channel that is down holds its queue (head-of-line), retried with
  exponential backoff (5 s doubling to 5 min), and nothing is dropped: the outbox is saved in
  the state file, so a restart resumes where it stopped (delivered at least once).
- At most `cap` messages per channel per sliding hour; what comes beyond is folded into one
  summary, sent as soon as the hour frees a slot.
- A message that fails for a reason other than the network (the server refuses it or its
  recipient, a webhook answers 4xx but 408/429, it cannot even be built) is set aside as a dead
  letter with its reason (kept, bounded, in the state file), so one bad message never holds back
  the others; the admin sees it and may retry or discard it.
- Delivery runs on one worker per channel (greenlets under gunicorn's gevent worker), never on
  the relay CommandQueue or the engine tick, so a slow mail server delays nothing else.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..clock import Clock
from .channels import Channel, DeliveryError
from .headers import one_line
from .messages import Composer, Message

log = logging.getLogger(__name__)

HOUR_S = 3600.0
RETRY_FIRST_S = 5.0
RETRY_MAX_S = 300.0
MAX_QUEUED = 500            # per channel; older ones are folded into the summary beyond this
SUMMARY_LINES = 20
WORKER_MAX_WAIT_S = 30.0    # re-check at least this often (wall clock jumps, missed wakes)
MAX_DEAD = 100              # dead letters kept (all channels); the oldest go beyond this


MAX_DEPTH = 32           # an alert as the service writes it is 3 levels deep


def _depth(node: object, level: int = 0) -> int:
    if level > MAX_DEPTH:                # stop early: no recursion past the limit
        return level
    if isinstance(node, dict):
        node = list(node.values())
    if isinstance(node, list):
        return max((_depth(n, level + 1) for n in node), default=level + 1)
    return level


class Item(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int
    channel: str
    event: str
    subject: str
    text: str
    alert: dict | None = None
    alert_id: str | None = None
    created_at: float
    next_at: float
    attempts: int = 0
    last_error: str | None = None

    @field_validator("subject")
    @classmethod
    def _one_line(cls, v: str) -> str:
        """It becomes a mail header: one line, whatever a rule name held (also for items queued
        by an older version)."""
        return one_line(v)

    @field_validator("alert")
    @classmethod
    def _shallow(cls, v: dict | None) -> dict | None:
        """Free-form, but what loads must save again: json.dumps gives up far above this."""
        if v is not None and _depth(v) > MAX_DEPTH:
            raise ValueError(f"alert is nested deeper than {MAX_DEPTH} levels")
        return v

    def message(self) -> Message:
        return Message(self.event, self.subject, self.text, self.alert)


class ChannelLog(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sent: list[float] = Field(default_factory=list)     # delivery times within the last hour
    held: int = 0                                       # waiting to go out as one summary
    held_subjects: list[str] = Field(default_factory=list)
    held_since: float | None = None
    last_ok_at: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None


class DeadLetter(BaseModel):
    """A message set aside: it failed for a reason trying again would not change."""
    model_config = ConfigDict(extra="ignore")
    item: Item
    reason: str
    at: float

    def public(self) -> dict:
        i = self.item
        return {"id": i.id, "channel": i.channel, "event": i.event, "subject": i.subject,
                "alert_id": i.alert_id, "attempts": i.attempts, "reason": self.reason, "at": self.at}


class OutboxState(BaseModel):
    model_config = ConfigDict(extra="ignore")
    seq: int = 0
    items: list[Item] = Field(default_factory=list)
    channels: dict[str, ChannelLog] = Field(default_factory=dict)
    dead: list[DeadLetter] = Field(default_factory=list)        # oldest first


# (item, delivered, error, dead letter) after each attempt
Result = Callable[[Item, bool, str | None, bool], None]


class Outbox:
    def __init__(self, channels: dict[str, Channel], clock: Clock, composer: Composer, cap: int,
                 save: Callable[[], None], state: OutboxState | None = None,
                 on_result: Result | None = None) -> None:
        self.channels = channels
        self.clock = clock
        self.composer = composer
        self.cap = cap
        self.save = save
        self.on_result = on_result or (lambda *_: None)
        self._lock = threading.RLock()
        self.state = state or OutboxState()
        for name in channels:
            self.state.channels.setdefault(name, ChannelLog())
        # A channel switched off since the items were queued: they can never go; say so once.
        stale = [i for i in self.state.items if not self._configured(i.channel)]
        if stale:
            log.warning("dropping %d queued notification(s) for unconfigured channels", len(stale))
            self.state.items = [i for i in self.state.items if self._configured(i.channel)]
        self.attempts: Counter[tuple[str, str]] = Counter()   # (channel, ok|error), for metrics
        self._held_from: int | None = None     # an API change in progress: deliver nothing new
        self._wake = {name: threading.Event() for name in channels}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _configured(self, channel: str) -> bool:
        ch = self.channels.get(channel)
        return bool(ch and ch.configured)

    # -- state ---------------------------------------------------------------------------------
    def dump(self) -> dict:
        with self._lock:
            return self.state.model_dump(mode="json")

    def queued(self, channel: str) -> int:
        with self._lock:
            return sum(1 for i in self.state.items if i.channel == channel)

    def status(self, channel: str) -> ChannelLog:
        with self._lock:
            return self.state.channels[channel].model_copy()

    # -- enqueue -------------------------------------------------------------------------------
    def put(self, channel: str, msg: Message, alert_id: str | None = None) -> bool:
        """Queue a message for a configured channel (the caller saves the state); False if off."""
        if not self._configured(channel):
            return False
        now = self.clock.wall()
        with self._lock:
            st = self.state
            st.seq += 1
            st.items.append(Item(id=st.seq, channel=channel, event=msg.event, subject=msg.subject,
                                 text=msg.text, alert=msg.alert, alert_id=alert_id,
                                 created_at=now, next_at=now))
            mine = [i for i in st.items if i.channel == channel and i.event != "alert.summary"]
            for old in mine[:max(0, len(mine) - MAX_QUEUED)]:
                self._fold(old, now)
        self._wake[channel].set()
        return True

    def _fold(self, item: Item, now: float) -> None:
        """Hold a message back for the channel's next summary (lock held)."""
        ch = self.state.channels[item.channel]
        ch.held += 1
        ch.held_since = ch.held_since or now
        if len(ch.held_subjects) < SUMMARY_LINES:
            ch.held_subjects.append(item.subject)
        self.state.items.remove(item)

    # -- delivery ------------------------------------------------------------------------------
    def _next(self, channel: str) -> tuple[Item | None, float | None, bool]:
        """(item to send now, wall time to look again, state changed) for one channel."""
        now = self.clock.wall()
        changed = False
        with self._lock:
            if self._held_from is not None:
                return None, None, False          # release() wakes every channel
            ch = self.state.channels[channel]
            kept = [t for t in ch.sent if now - t < HOUR_S]
            changed |= len(kept) != len(ch.sent)
            ch.sent = kept
            while True:
                mine = [i for i in self.state.items if i.channel == channel]
                has_summary = any(i.event == "alert.summary" for i in mine)
                if ch.held and not has_summary and len(ch.sent) < self.cap:
                    msg = self.composer.summary(ch.held, ch.held_subjects, ch.held_since, self.cap)
                    self.state.seq += 1
                    summary = Item(id=self.state.seq, channel=channel, event=msg.event, subject=msg.subject,
                                   text=msg.text, created_at=now, next_at=now)
                    self.state.items.insert(self.state.items.index(mine[0]) if mine else
                                            len(self.state.items), summary)
                    ch.held, ch.held_subjects, ch.held_since = 0, [], None
                    changed = True
                    continue
                if not mine:
                    return None, (min(ch.sent) + HOUR_S if ch.held else None), changed
                head = mine[0]
                if head.next_at > now:
                    return None, head.next_at, changed
                if len(ch.sent) >= self.cap and head.event != "alert.summary":
                    self._fold(head, now)
                    changed = True
                    continue
                if len(ch.sent) >= self.cap:          # a summary waiting for a free slot
                    return None, min(ch.sent) + HOUR_S, changed
                return head, None, changed

    def deliver_due(self, channel: str) -> float | None:
        """Send everything due on one channel now. Returns the wall time something is next due."""
        channel_obj = self.channels[channel]
        while True:
            item, next_at, changed = self._next(channel)
            if item is None:
                if changed:
                    self.save()
                return next_at
            error, dead = None, False
            try:
                channel_obj.send(item.message())
            except DeliveryError as exc:
                error, dead = str(exc), exc.permanent
            except Exception as exc:     # a bug in a channel must not kill the worker or lose the item
                # Set aside, not retried: the same message would fail the same way and hold back
                # the queue. The words go through scrub(): a library error may hold a URL with a token.
                error = f"it could not be sent ({type(exc).__name__}: {self.composer.scrub(str(exc))[:200]})"
                dead = True
                log.error("%s delivery failed: %s", channel, error)
            now = self.clock.wall()
            with self._lock:
                self.attempts[(channel, "error" if error else "ok")] += 1
                ch = self.state.channels[channel]
                if error is None:
                    if item in self.state.items:
                        self.state.items.remove(item)
                    ch.sent.append(now)
                    ch.last_ok_at, ch.last_error = now, None
                else:
                    item.attempts += 1
                    item.last_error = error
                    item.next_at = now + min(RETRY_FIRST_S * 2 ** (item.attempts - 1), RETRY_MAX_S)
                    ch.last_error, ch.last_error_at = error, now
                    if dead:
                        self._bury(item, error, now)
            if error:
                log.warning("%s notification not delivered (attempt %d, %s): %s",
                            channel, item.attempts, "set aside as a dead letter" if dead else "retrying", error)
            self.on_result(item, error is None, error, dead)
            self.save()
            if error and not dead:
                return item.next_at

    def _bury(self, item: Item, reason: str, now: float) -> None:
        """Move a message from the queue to the dead letters (lock held)."""
        if item in self.state.items:
            self.state.items.remove(item)
        self.state.dead.append(DeadLetter(item=item, reason=reason, at=round(now, 3)))
        if len(self.state.dead) > MAX_DEAD:
            log.warning("dropping %d old dead letter(s)", len(self.state.dead) - MAX_DEAD)
            del self.state.dead[:-MAX_DEAD]

    # -- an API change: held, then released or undone ---------------------------------------------
    def hold(self) -> tuple[int, list[DeadLetter]]:
        """Deliver nothing new until release(): what an API change queues goes out only once the
        change is saved. Returns the mark undo() goes back to."""
        with self._lock:
            self._held_from = self.state.seq
            return self.state.seq, list(self.state.dead)

    def undo(self, mark: tuple[int, list[DeadLetter]]) -> None:
        """Take back what was queued since hold(), and the dead letters as they were (keeping any
        a delivery in flight set aside meanwhile)."""
        seq, dead = mark
        with self._lock:
            self.state.items = [i for i in self.state.items if i.id <= seq]
            later = [d for d in self.state.dead if not any(d is b for b in dead)]
            self.state.dead = dead + later

    def release(self) -> None:
        with self._lock:
            self._held_from = None
        for ev in self._wake.values():
            ev.set()

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

    def send_now(self, channel: str, msg: Message) -> None:
        """Deliver one message right away, outside the queue and the cap (the test button).
        Raises DeliveryError; the outcome shows in the channel's status."""
        error = None
        try:
            self.channels[channel].send(msg)
        except DeliveryError as exc:
            error = str(exc)
            raise
        finally:
            now = self.clock.wall()
            with self._lock:
                ch = self.state.channels[channel]
                if error is None:
                    ch.last_ok_at, ch.last_error = now, None
                else:
                    ch.last_error, ch.last_error_at = error, now
            self.save()

    # -- workers -------------------------------------------------------------------------------
    def start(self) -> None:
        for name, ch in self.channels.items():
            if ch.configured:
                t = threading.Thread(target=self._work, args=(name,), name=f"notify-{name}", daemon=True)
                t.start()
                self._threads.append(t)

    def stop(self) -> None:
        self._stop.set()
        for ev in self._wake.values():
            ev.set()
        for t in self._threads:
            t.join(5)

    def _work(self, channel: str) -> None:
        wake = self._wake[channel]
        while not self._stop.is_set():
            wake.clear()
            try:
                next_at = self.deliver_due(channel)
            except Exception:
                log.exception("%s outbox worker step failed", channel)
                next_at = None
            wait = WORKER_MAX_WAIT_S if next_at is None else next_at - self.clock.wall()
            if wait > 0:
                wake.wait(min(wait, WORKER_MAX_WAIT_S))
