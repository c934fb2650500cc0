"""What the unit's display shows (SPEC section 5) and the drift-free push schedule.

i11 AQI, i12 temperature, i13 humidity, i14 hour, i15 minute, i16 day, i17 month, i18 2-digit year;
the display then reads e.g. "AQI: 51  TEMP: 32  HUMIDITY:67%  12:45  27/11/25".
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from devicecloud.channels import BY_CODE, DISPLAY_IDS
from devicecloud.frames import value

from .aqi import PmSize, Standard, pm_aqi, round_half_up

# Outlet channels the display is computed from (the channel map names them).
PM_CODE, TEMP_CODE, HUMIDITY_CODE = "d9", "d10", "d11"
DISPLAY_MAX = 9999   # the command API accepts 0..9999 for i11..i18
NO_DATA_YET = "no data from the unit yet"
AuditNote = tuple[str, str, str]   # (what, why, result) for the audit log


class Skip(Exception):
    """No push this period; the message says why (shown on /display and /health)."""


@dataclass(frozen=True)
class Reading:
    values: dict[str, int]
    text: str


def _outlet(frame: dict, code: str) -> float:
    v = value(frame, code)
    if v is None:
        raise Skip(f"latest frame has no {BY_CODE[code].label} value")
    return v


def _clamp(x: int) -> int:
    # The display takes non-negative integers only (a sub-zero outlet reading shows as 0).
    return min(DISPLAY_MAX, max(0, x))


def compose(frame: dict, local: datetime, standard: Standard, pm_size: PmSize = "pm25") -> Reading:
    """The i11..i18 values and the text the display will show, from one outlet frame and the
    unit-local time. Raises Skip when a value is missing."""
    aqi = pm_aqi(_outlet(frame, PM_CODE), standard, pm_size)
    temp = _clamp(round_half_up(_outlet(frame, TEMP_CODE)))
    hum = min(100, _clamp(round_half_up(_outlet(frame, HUMIDITY_CODE))))
    numbers = [aqi, temp, hum, local.hour, local.minute, local.day, local.month, local.year % 100]
    values = dict(zip(DISPLAY_IDS, numbers))
    text = (f"AQI: {aqi}  TEMP: {temp}  HUMIDITY:{hum}%  "
            f"{local.hour:02d}:{local.minute:02d}  {local.day:02d}/{local.month:02d}/{local.year % 100:02d}")
    return Reading(values, text)


def reading_for(frame: dict | None, age_s: float, max_age_s: float, local: datetime,
                standard: Standard, pm_size: PmSize = "pm25") -> Reading:
    """Like compose(), but refuses data that is missing or older than `max_age_s`."""
    if frame is None:
        raise Skip(NO_DATA_YET)
    if age_s > max_age_s:
        raise Skip(f"latest data is {age_s:.0f} s old (limit {max_age_s:g} s)")
    return compose(frame, local, standard, pm_size)


@dataclass
class DisplayStatus:
    """What the display shows and how the latest periods went. Each change of outcome
    (pushing / skipping for a reason / failing for a reason) returns one audit note, so the
    audit tail is not flooded by a push every 10 s; the counts are on GET /display."""
    at: float | None = None                 # last successful push
    values: dict[str, int] | None = None
    text: str | None = None                 # what the unit is showing
    skipped_reason: str | None = None       # why the latest period pushed nothing
    error: str | None = None                # why the latest push failed
    pushes: int = 0
    failures: int = 0                       # since the service started
    failures_in_row: int = 0                # since the last successful push
    # Waiting for the very first frame is not news.
    _outcome: str = field(default=f"skipped: {NO_DATA_YET}", repr=False)

    def _note(self, outcome: str, note: AuditNote) -> AuditNote | None:
        if outcome == self._outcome:
            return None
        self._outcome = outcome
        return note

    def skipped(self, reason: str) -> AuditNote | None:
        self.skipped_reason = reason
        return self._note(f"skipped: {reason}", ("display skipped", reason, "skipped"))

    def pushed(self, at: float, reading: Reading, why: str) -> AuditNote | None:
        self.at, self.values, self.text = round(at, 3), reading.values, reading.text
        self.skipped_reason = self.error = None
        self.pushes += 1
        self.failures_in_row = 0
        return self._note("ok", (f"display: {reading.text}", why, "sent"))

    def failed(self, error: str) -> AuditNote | None:
        self.error = error
        self.failures += 1
        self.failures_in_row += 1
        return self._note(f"failed: {error}", ("display push", "", f"failed: {error}"))

    def as_dict(self) -> dict:
        return {"at": self.at, "values": self.values, "text": self.text,
                "skipped_reason": self.skipped_reason, "error": self.error,
                "pushes": self.pushes, "failures": self.failures,
                "failures_in_row": self.failures_in_row}


class Deadline:
    """Periodic deadlines on a monotonic clock: the k-th push is due at start + k*interval,
    so a slow push never shifts the ones after it; missed periods are skipped, not bunched."""

    def __init__(self, interval_s: float, start: float) -> None:
        self.interval_s = interval_s
        self.next = start

    def due(self, now: float) -> bool:
        return now >= self.next

    def advance(self, now: float) -> None:
        self.next += self.interval_s
        if self.next <= now:
            self.next += (math.floor((now - self.next) / self.interval_s) + 1) * self.interval_s

    def restart(self, now: float, interval_s: float | None = None) -> None:
        if interval_s is not None:
            self.interval_s = interval_s
        self.next = now
