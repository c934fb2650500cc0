"""The persisted outbox: every notification waits here until its channel delivers it.

- Per channel, in order: a channel that is down holds its queue (head-of-line), retried with
  exponential backoff (5 s doubling to 5 min), and nothing is dropped: the outbox is saved in
  the state file, so a restart resumes where it stopped (delivered at least once).
- At most `cap` messages per channel per sliding hour; what comes beyond is folded into one
  summary, sent as soon as the hour frees a slot.
- Delivery runs on one worker per channel (greenlets under gunicorn's gevent worker), never on
  the relay CommandQueue or the engine tick, so a slow mail server delays nothing else.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from pydantic import BaseModel, ConfigDict, Field

from ..clock import Clock
from .channels import Channel, DeliveryError
from .messages import UNFOLDED, Attachment, Composer, Message

log = logging.getLogger(__name__)

HOUR_S = 3600.0
RETRY_FIRST_S = 5.0
RETRY_MAX_S = 300.0
MAX_QUEUED = 500            # per channel; older ones are folded into the summary beyond this
SUMMARY_LINES = 20
WORKER_MAX_WAIT_S = 30.0    # re-check at least this often (wall clock jumps, missed wakes)


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
    # Sent as X-XO2-Delivery: the same on every attempt and after a restart (it is saved).
    delivery_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    html: str | None = None
    attachments: list[dict] = Field(default_factory=list)     # Attachment fields
    to: list[str] = Field(default_factory=list)
    tag: str | None = None          # what queued it, e.g. "report:2026-11" (report_schedule)

    def message(self) -> Message:
        return Message(self.event, self.subject, self.text, self.alert, delivery_id=self.delivery_id,
                       html=self.html, attachments=tuple(Attachment(**a) for a in self.attachments),
                       to=tuple(self.to))


class ChannelLog(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sent: list[float] = Field(default_factory=list)     # delivery times within the last hour
    held: int = 0                                       # waiting to go out as one summary
    held_subjects: list[str] = Field(default_factory=list)
    held_since: float | None = None
    last_ok_at: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    failing_since: float | None = None                  # first failure since the last success

    def note(self, now: float, error: str | None) -> None:
        """One delivery's outcome."""
        if error is None:
            self.last_ok_at, self.last_error, self.failing_since = now, None, None
        else:
            self.last_error, self.last_error_at = error, now
            self.failing_since = self.failing_since or now


class OutboxState(BaseModel):
    model_config = ConfigDict(extra="ignore")
    seq: int = 0
    items: list[Item] = Field(default_factory=list)
    channels: dict[str, ChannelLog] = Field(default_factory=dict)


Result = Callable[[Item, bool, str | None], None]   # (item, delivered, error) after each attempt


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

    def tagged(self, tag: str) -> bool:
        """Whether a message queued with `tag` is still waiting."""
        with self._lock:
            return any(i.tag == tag for i in self.state.items)

    def reconfigured(self, channel: str) -> None:
        """The channel's settings changed (contact points): its delivery status belonged to the
        old settings, so it starts afresh; what is queued goes out with the new ones, now."""
        with self._lock:
            old = self.state.channels.get(channel) or ChannelLog()
            self.state.channels[channel] = ChannelLog(sent=old.sent, held=old.held,
                                                      held_subjects=old.held_subjects, held_since=old.held_since)
            for item in self.state.items:
                if item.channel == channel:
                    item.next_at = min(item.next_at, self.clock.wall())
        self._wake[channel].set()

    def status(self, channel: str) -> ChannelLog:
        with self._lock:
            return self.state.channels[channel].model_copy()

    # -- enqueue -------------------------------------------------------------------------------
    def put(self, channel: str, msg: Message, alert_id: str | None = None, tag: str | None = None) -> bool:
        """Queue a message for a configured channel (the caller saves the state); False if off."""
        if not self._configured(channel):
            return False
        now = self.clock.wall()
        with self._lock:
            st = self.state
            st.seq += 1
            st.items.append(Item(id=st.seq, channel=channel, event=msg.event, subject=msg.subject,
                                 text=msg.text, alert=msg.alert, alert_id=alert_id,
                                 created_at=now, next_at=now, html=msg.html, to=list(msg.to), tag=tag,
                                 attachments=[vars(a) for a in msg.attachments]))
            mine = [i for i in st.items if i.channel == channel and i.event not in UNFOLDED]
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
                if len(ch.sent) >= self.cap and head.event not in UNFOLDED:
                    self._fold(head, now)
                    changed = True
                    continue
                if len(ch.sent) >= self.cap:          # a summary waiting for a free slot
                    return None, min(ch.sent) + HOUR_S, changed
                return head, None, changed

    def deliver_due(self, channel: str) -> float | None:
        """Send everything due on one channel now. Returns the wall time something is next due."""
        channel_obj = self.channels[channel]        # looked up each time: contact points replace it
        if not channel_obj.configured:
            return None                             # kept until the channel is set up again
        while True:
            item, next_at, changed = self._next(channel)
            if item is None:
                if changed:
                    self.save()
                return next_at
            error = None
            try:
                channel_obj.send(item.message())
            except DeliveryError as exc:
                error = str(exc)
            except Exception as exc:     # a bug in a channel must not kill the worker or lose the item
                # The type only: the message of a library error may hold a URL with a token in it.
                error = f"unexpected error ({type(exc).__name__})"
                log.error("%s delivery failed: %s", channel, error)
            now = self.clock.wall()
            with self._lock:
                self.attempts[(channel, "error" if error else "ok")] += 1
                ch = self.state.channels[channel]
                if error is None:
                    if item in self.state.items:
                        self.state.items.remove(item)
                    ch.sent.append(now)
                else:
                    item.attempts += 1
                    item.last_error = error
                    item.next_at = now + min(RETRY_FIRST_S * 2 ** (item.attempts - 1), RETRY_MAX_S)
                ch.note(now, error)
            if error:
                log.warning("%s notification not delivered (attempt %d, retrying): %s",
                            channel, item.attempts, error)
            self.on_result(item, error is None, error)
            self.save()
            if error:
                return item.next_at

    def send_now(self, channel: str, msg: Message, deadline_s: float | None = None) -> None:
        """Deliver one message right away, outside the queue and the cap (the test button, a
        report sent now), within `deadline_s` as a whole. Raises DeliveryError; the outcome
        shows in the channel's status."""
        error = None
        if msg.delivery_id is None:
            msg = replace(msg, delivery_id=uuid.uuid4().hex)
        try:
            self.channels[channel].send(msg, deadline_s)
        except DeliveryError as exc:
            error = str(exc)
            raise
        finally:
            now = self.clock.wall()
            with self._lock:
                self.state.channels[channel].note(now, error)
            self.save()

    # -- workers -------------------------------------------------------------------------------
    def start(self) -> None:
        # A worker per channel, configured or not: the console may set one up at any time.
        for name in self.channels:
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
