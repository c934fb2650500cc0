"""The live side: the latest frame (for /api/live) and fan-out of the ONE upstream socket to
every browser socket.

Each upstream frame is aliased and serialized once, then handed to each browser: written
straight to its socket when that takes it without waiting (the common case: no task switch per
browser, so 1000 sockets cost ~1000 send calls), else appended to the browser's small bounded
queue (oldest dropped when full), which its own sender loop (routes_ws) works off. Publishing
never blocks, so a slow browser only ever delays itself.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from devicecloud.alias import Aliaser
from devicecloud.frames import frame_ts, is_offline

log = logging.getLogger(__name__)
QUEUE_SIZE = 16   # ~2.5 min of 10 s frames; a browser further behind only needs the newest


def _dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


# A direct writer sends one message now without waiting: None when it is all written (or the
# socket is gone: its loop will notice), else the bytes still to send (all of it when the
# socket would block). Those go first in the queue, so frames are never interleaved.
DirectWriter = Callable[[str | bytes], "bytes | None"]


class Subscriber:
    """One browser socket's outbox.

    While the outbox is idle (nothing queued, the socket's loop not sending), put() writes
    through the `direct` writer when there is one. Anything it could not write, and every
    message after it until the loop has sent the backlog, is queued in order. Queued items
    are messages (str) or raw frames (bytes, never dropped: the unsent rest of a partly
    written message, or the socket's own ping/pong/close frames, see routes_ws)."""

    def __init__(self, size: int = QUEUE_SIZE, direct: DirectWriter | None = None) -> None:
        self.size = size
        self.direct = direct
        self._queue: deque[str | bytes] = deque()
        self._busy = False               # queued items, or the loop is sending a batch
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self.dropped = 0

    def put(self, message: str | bytes) -> None:
        with self._lock:
            if not self._busy and self.direct is not None:
                rest = self.direct(message)
                if rest is None:
                    return
                self._queue.append(rest)
            else:
                if len(self._queue) >= self.size:
                    self._drop_oldest_message()
                self._queue.append(message)
            self._busy = True
        self._ready.set()

    def _drop_oldest_message(self) -> None:
        for i, item in enumerate(self._queue):
            if isinstance(item, str):      # a partly sent frame's rest must go out whole
                del self._queue[i]
                self.dropped += 1
                return

    def wake(self) -> None:
        """Make a waiting drain() return now (e.g. the socket is closing)."""
        self._ready.set()

    def drain(self, timeout: float) -> list[str | bytes]:
        """Everything queued, waiting up to timeout for the first item. The outbox stays busy
        (put() queues) until the caller has sent the batch and called sent()."""
        if not self._ready.wait(timeout):
            return []
        self._ready.clear()             # clear before popping: a later put sets it again
        with self._lock:
            out = list(self._queue)
            self._queue.clear()
            return out

    def sent(self) -> None:
        """The loop has sent what drain() gave it: direct writes may resume if nothing is queued."""
        with self._lock:
            if not self._queue:
                self._busy = False


State = Literal["live", "late", "offline"]


@dataclass(frozen=True)
class _Latest:
    frame: dict          # aliased
    message: str         # the deviceData message carrying it, serialized once
    # When it came on the socket, by our monotonic clock; None when seeded from the cloud's
    # graph (when it reached the cloud is unknown, and the unit's `ts` is no clock to trust).
    received_at: float | None
    frame_json: str = "null"   # the frame alone, serialized once (GET /api/live)
    arrived_wall: float | None = None   # the same moment as epoch seconds (last_frame_at)


class LiveHub:
    """The latest frame and the browsers' outboxes. The unit's state as a person reads it
    (SPEC 12) comes from the age of the latest frame's arrival: live up to `late_after_s`,
    late, then offline from `offline_after_s`; offline too while the cloud socket is down or
    the unit reports `offline`."""

    def __init__(self, aliaser: Aliaser, late_after_s: float, offline_after_s: float, *,
                 clock: Callable[[], float] = time.monotonic, wall: Callable[[], float] = time.time,
                 queue_size: int = QUEUE_SIZE) -> None:
        self.aliaser = aliaser
        self.late_after_s = late_after_s
        self.offline_after_s = offline_after_s
        self.clock = clock              # arrival ages (monotonic)
        self.wall = wall                # arrival times as people read them (epoch s)
        self.started_at = clock()       # no frame yet: late until offline_after_s after this
        self.queue_size = queue_size
        self.connected = False          # the upstream socket, as CloudStream reports it
        self.frames = 0                 # upstream frames fanned out
        self.dropped = 0                # dropped for browsers that have since left
        self.announced: State | None = None   # the state the last status message carried
        # Replaced whole (one atomic assignment), so readers need no lock.
        self._latest: _Latest | None = None
        self._subs: set[Subscriber] = set()
        self._lock = threading.Lock()   # guards _subs and the counters; never held while calling out

    def _latest_of(self, raw: dict, received_at: float | None, arrived_wall: float | None = None) -> _Latest:
        frame = self.aliaser.to_alias(raw)
        frame_json = _dumps(frame)
        msg = f'{{"type":"deviceData","deviceId":{_dumps(self.aliaser.alias)},"data":{frame_json}}}'
        return _Latest(frame, msg, received_at, frame_json, arrived_wall)

    # -- upstream side (CloudStream callbacks) -----------------------------------------------
    def on_frame(self, raw: dict) -> None:
        latest = self._latest = self._latest_of(raw, self.clock(), self.wall())
        with self._lock:
            self.frames += 1
            subs = list(self._subs)
        for sub in subs:
            sub.put(latest.message)

    def on_status(self, connected: bool, reason: str = "") -> None:
        self.connected = connected
        self._announce()

    def bootstrap(self, raw: dict) -> None:
        """Seed the latest frame (e.g. from graph/hour) when no socket frame has come yet.
        It is shown, but stale (no age) until a frame arrives: only arrival says fresh."""
        if self._latest is None:
            self._latest = self._latest_of(raw, None)

    # -- browser side ------------------------------------------------------------------------
    def subscribe(self, direct: DirectWriter | None = None) -> Subscriber:
        """A new outbox, primed with the status and the latest frame so the page fills at once
        (queued: the socket's loop sends them, then direct writes take over)."""
        sub = Subscriber(self.queue_size)
        sub.put(self.status_message())
        latest = self._latest
        if latest is not None:
            sub.put(latest.message)
        sub.direct = direct
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subs.discard(sub)
            self.dropped += sub.dropped

    def broadcast(self, message: str) -> None:
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            sub.put(message)

    @property
    def subscribers(self) -> int:
        return len(self._subs)

    def dropped_total(self) -> int:
        """Messages dropped for slow browsers, connected ones included."""
        with self._lock:
            return self.dropped + sum(s.dropped for s in self._subs)

    # -- views -------------------------------------------------------------------------------
    @property
    def has_frame(self) -> bool:
        return self._latest is not None

    def frame_age_s(self, latest: _Latest | None = None) -> float | None:
        """Seconds since the latest frame arrived, by our clock (SPEC 11: the unit's `ts` is
        data; a unit clock minutes off must not make a silent unit look online, or a live
        one offline). None without a frame, or for a seeded one (see bootstrap)."""
        latest = latest or self._latest
        if latest is None or latest.received_at is None:
            return None
        return round(max(0.0, self.clock() - latest.received_at), 1)

    def state(self, latest: _Latest | None = None) -> State:
        """live / late / offline (SPEC 12), by the console's clock only."""
        latest = latest or self._latest
        if not self.connected or (latest is not None and is_offline(latest.frame)):
            return "offline"
        age = self.frame_age_s(latest)
        if age is None:
            # Nothing has arrived since this start (a seeded frame is not news): not live, and
            # offline once a unit that was sending would have been judged offline.
            age = self.clock() - self.started_at
            return "late" if age < self.offline_after_s else "offline"
        if age <= self.late_after_s:
            return "live"
        return "late" if age < self.offline_after_s else "offline"

    @staticmethod
    def last_frame_at(latest: _Latest | None) -> float | None:
        return round(latest.arrived_wall, 3) if latest and latest.arrived_wall is not None else None

    def upstream_status(self) -> dict:
        latest = self._latest
        return {"socket_connected": self.connected, "last_frame_age_s": self.frame_age_s(latest),
                "state": self.state(latest), "last_frame_at": self.last_frame_at(latest)}

    def status_message(self) -> str:
        return _dumps({"type": "status", "upstream": self.upstream_status()})

    def _announce(self) -> None:
        """A status message to every browser; what it says is then what they all know."""
        up = self.upstream_status()
        self.announced = up["state"]
        self.broadcast(_dumps({"type": "status", "upstream": up}))

    def check_state(self) -> bool:
        """Tell every browser when the state has moved on by time alone (live -> late ->
        offline) or back with a frame; True when a status message went out. watch() calls it
        every second; tests call it after moving the clock."""
        if self.state() == self.announced:
            return False
        self._announce()
        return True

    def watch(self, stop: threading.Event, every_s: float = 1.0) -> None:
        """check_state() until stop is set (a daemon thread, a greenlet under gevent)."""
        while not stop.wait(every_s):
            try:
                self.check_state()
            except Exception:       # never let the watcher die: the banner depends on it
                log.exception("live state check failed")

    def live(self) -> dict:
        """The body of GET /api/live."""
        return self._live(self._latest)

    def _live(self, latest: _Latest | None) -> dict:
        frame = latest.frame if latest else None
        state = self.state(latest)
        age = self.frame_age_s(latest)
        return {
            "deviceId": self.aliaser.alias,
            "ts": frame_ts(frame),
            "age_s": age,
            "state": state,
            "last_frame_at": self.last_frame_at(latest),
            # As before, by state's thresholds: online = live; stale = the values are older than
            # live (late, or offline by age). A fresh frame while the socket is down or the unit
            # says offline is offline but not stale, as it always was.
            "online": state == "live",
            "stale": age is None or age > self.late_after_s,
            "stale_after_s": self.late_after_s,     # so a page can tell when a shown frame ages out
            "late_after_s": self.late_after_s,
            "offline_after_s": self.offline_after_s,
            "frame": frame,
        }

    def live_json(self) -> str:
        """live() as JSON text. The frame's JSON is made once per frame, not per request:
        encoding its ~50 fields was a third of a /api/live request's own cost."""
        latest = self._latest
        head = self._live(latest)
        del head["frame"]
        return f'{_dumps(head)[:-1]},"frame":{latest.frame_json if latest else "null"}}}\n'
