"""The simulated unit's live state: relays, display, command log, faults, counters, history.

One lock guards it all; the Flask threads, socket loops and the broadcaster share it.
"""
from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .faults import Faults, validated
from .generator import (DAY_S, DEFAULT_RELAYS, DISPLAY_KEYS, RELAY_KEYS, STEP_S, Frame,
                     bucket_frames, make_frame, socket_message, synthetic_frames)
from .bodies import parse_command, parse_pins
from .hub import Hub
from .in_flight import InFlight
from .reports import ReportLinks

HOUR_S = 3600
MAX_RAW_FRAMES = HOUR_S // STEP_S  # graph/hour never returns more than one frame per 10 s
COMMAND_LOG = 50


@dataclass(frozen=True)
class Period:
    span_s: int
    bucket_s: int | None  # None: raw frames
    ttl_s: int  # expireAt = ts + ttl_s, as in the brief's samples


PERIODS: dict[str, Period] = {
    "hour": Period(HOUR_S, None, HOUR_S),
    "day": Period(DAY_S, 1080, DAY_S),
    "week": Period(7 * DAY_S, 3240, 30 * DAY_S),
}


@dataclass(frozen=True)
class Gate:
    """What the fault switches decided for one REST call."""

    delay_s: float
    fail: bool
    malformed: bool


class SimState:
    """Everything the simulator knows; safe to call from any thread."""

    def __init__(self, device_id: str = "BTTE1250001", *, seed: int = 0,
                 command_delay: float = 2.0, faults: Mapping[str, Any] | None = None,
                 report_ttl_s: float = 3600.0) -> None:
        self.device_id = device_id
        self.seed = seed
        self.command_delay = command_delay
        self.started_at = time.time()
        self.stopping = threading.Event()
        self.in_flight = InFlight(self.stopping)   # REST calls, released and awaited by reset()
        self.hub = Hub()
        self.reports = ReportLinks(report_ttl_s)
        self._lock = threading.Lock()
        self._initial_faults = validated(faults or {})
        self._faults = Faults(**self._initial_faults)
        self._rng = random.Random(seed)
        self._relays = dict(DEFAULT_RELAYS)
        self._display = dict.fromkeys(DISPLAY_KEYS, 0)
        self._pending: list[tuple[float, dict[str, int]]] = []  # (due monotonic, changes)
        self._commands: deque[dict[str, Any]] = deque(maxlen=COMMAND_LOG)
        self._history: deque[Frame] = deque(maxlen=MAX_RAW_FRAMES)
        self._pinned: dict[str, float] = {}  # sensor values live frames hold (tests steer alerts)
        self._rest_calls: Counter[str] = Counter()
        self._download_bytes = 0
        self._frames_emitted = 0

    # -- outputs ---------------------------------------------------------------------------
    def _apply_due(self) -> None:
        """Apply commands whose delay has passed (lazily: no timer threads to clean up)."""
        now = time.monotonic()
        while self._pending and self._pending[0][0] <= now:
            self._set_outputs(self._pending.pop(0)[1])

    def _set_outputs(self, changes: Mapping[str, int]) -> None:
        for key, value in changes.items():
            (self._relays if key in RELAY_KEYS else self._display)[key] = value

    @property
    def relays(self) -> dict[str, int]:
        with self._lock:
            self._apply_due()
            return dict(self._relays)

    @property
    def display(self) -> dict[str, int]:
        with self._lock:
            self._apply_due()
            return dict(self._display)

    def set_relays(self, **values: int) -> None:
        """Set outputs at once, bypassing delay and faults (test setup)."""
        changes = parse_command(values)
        with self._lock:
            self._set_outputs(changes)

    def command(self, body: Any) -> dict[str, int]:
        """Accept a command body: log it and apply it after command_delay.

        Raises ValueError for an invalid body (nothing is logged then).
        """
        changes = parse_command(body)
        with self._lock:
            self._commands.append({"at": time.time(), "body": body})
            if not self._faults.ignore_commands:
                self._pending.append((time.monotonic() + self.command_delay, changes))
                self._apply_due()
        return changes

    def pin(self, values: Mapping[str, float | None]) -> dict[str, float]:
        """Hold sensor channels at fixed values in live frames (None releases one); test setup."""
        changes = parse_pins(values)
        with self._lock:
            for key, value in changes.items():
                if value is None:
                    self._pinned.pop(key, None)
                else:
                    self._pinned[key] = value
            return dict(self._pinned)

    @property
    def commands(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._commands)

    # -- faults ----------------------------------------------------------------------------
    @property
    def faults(self) -> Faults:
        with self._lock:
            return dataclasses.replace(self._faults)

    def set_faults(self, **changes: Any) -> Faults:
        """Partially update the fault switches; ValueError names a bad field."""
        checked = validated(changes)
        with self._lock:
            self._faults = dataclasses.replace(self._faults, **checked)
            return dataclasses.replace(self._faults)

    def reset(self, relays: bool = False) -> None:
        """Back to the start-up faults with zeroed counters and log, nothing pinned; optionally relays
        too. Calls that were hung finish first, so nothing from before the reset lands after it."""
        self.in_flight.quiesce()
        with self._lock:
            self._faults = Faults(**self._initial_faults)
            self._rest_calls.clear()
            self._download_bytes = 0
            self._commands.clear()
            self._frames_emitted = 0
            self._pinned.clear()
            if relays:
                self._pending.clear()
                self._relays = dict(DEFAULT_RELAYS)
                self._display = dict.fromkeys(DISPLAY_KEYS, 0)
        self.hub.reset_counters()

    def count_call(self, kind: str) -> None:
        with self._lock:
            self._rest_calls[kind] += 1

    def count_download(self, size: int) -> None:
        """Bytes of report CSV sent (what a plant's link would carry)."""
        with self._lock:
            self._download_bytes += size

    def rest_gate(self, kind: str) -> Gate:
        """Count one REST call and decide its faults (burst first, then the random rate)."""
        self.count_call(kind)
        with self._lock:
            f = self._faults
            fail = f.error_burst > 0 or self._rng.random() < f.error_rate
            if f.error_burst > 0:
                f.error_burst -= 1
            return Gate(f.hang_s + f.latency_s, fail, f.malformed_json)

    @property
    def rest_calls(self) -> dict[str, int]:
        with self._lock:
            return dict(self._rest_calls)

    # -- frames ----------------------------------------------------------------------------
    def tick(self, now: float | None = None) -> Frame | None:
        """Emit one live frame: record it and offer it to subscribers. None while offline."""
        with self._lock:
            if self._faults.offline:
                return None
            self._apply_due()
            frame = make_frame(int(time.time() if now is None else now), self._relays,
                               self.device_id, self.seed)
            frame.update(self._pinned)
            self._record(frame)
            self._frames_emitted += 1
        self.hub.publish(self.device_id, socket_message(frame))
        return frame

    def _record(self, frame: Frame) -> None:
        # Keep at most one frame per 10 s slot (the newest), so a fast test period still
        # yields an hour-long history capped at 360 frames.
        if self._history and self._history[-1]["ts"] // STEP_S == frame["ts"] // STEP_S:
            self._history[-1] = frame
        else:
            self._history.append(frame)

    def graph(self, period: str, now: float | None = None) -> tuple[int, int, list[Frame]]:
        """(startTime, endTime, canonical frames) for hour/day/week; KeyError if unknown."""
        spec = PERIODS[period]
        end = int(time.time() if now is None else now)
        start = end - spec.span_s
        relays = self.relays
        if spec.bucket_s is not None:
            return start, end, bucket_frames(start, end, spec.bucket_s, relays,
                                             self.device_id, self.seed, spec.ttl_s)
        with self._lock:
            recorded = [f for f in self._history if f["ts"] >= start]
        # Before the sim started there was no live data: fill that part of the hour.
        before = synthetic_frames(start, min(end, self.started_at - 1), relays,
                                  self.device_id, self.seed)
        return start, end, (before + recorded)[-MAX_RAW_FRAMES:]

    # -- introspection ---------------------------------------------------------------------
    @property
    def frames_emitted(self) -> int:
        with self._lock:
            return self._frames_emitted

    @property
    def frames_sent(self) -> int:
        return self.hub.frames_sent

    @property
    def sockets(self) -> int:
        """Open sockets subscribed to this device."""
        return self.hub.subscribed(self.device_id)

    def drop_sockets(self) -> int:
        """Close every open socket now (as API Gateway does); return how many."""
        return self.hub.drop_all()

    def snapshot(self) -> dict[str, Any]:
        """The /__sim/state document."""
        with self._lock:
            self._apply_due()
            doc = {
                "deviceId": self.device_id,
                "relays": dict(self._relays),
                "display": dict(self._display),
                "pending_commands": len(self._pending),
                "commands": list(self._commands),
                "faults": self._faults.as_dict(),
                "pinned": dict(self._pinned),
                "frames_emitted": self._frames_emitted,
                "rest_calls": dict(self._rest_calls),
                "download_bytes": self._download_bytes,
            }
        doc.update(sockets=self.sockets, connections=self.hub.connections(),
                   frames_sent=self.frames_sent)
        return doc
