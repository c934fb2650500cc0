"""The channel map: the ONE place that says what each frame field means.

Labels come from the customer's brief; units are the console's best reading of the
unit's sensors. Every label, unit, inlet/outlet pairing and display precision the UI,
the rules or the display pusher use is read from here (the web app via /api/channels).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Group = Literal["inlet", "outlet", "system", "relay"]
# Which way a change is an improvement: lower/higher, or closer to `target`.
Better = Literal["lower", "higher", "target"] | None


@dataclass(frozen=True)
class Channel:
    code: str
    label: str
    unit: str
    group: Group
    pair: str | None = None      # the inlet/outlet twin
    precision: int = 1           # decimals to display
    better: Better = None
    target: float | None = None  # for better == "target"
    quantity: str | None = None  # shared name of a pair, e.g. "CO₂"
    min: float | None = None     # the physically valid range (SPEC 12); None = open
    max: float | None = None
    trigger: bool = False        # sensor rules and alert thresholds may watch it (not versions, relays)

    def as_dict(self) -> dict:
        return asdict(self)


# (quantity, unit, precision, better, target, min, max) for each inlet/outlet pair, inlet code first.
_PAIRS: list[tuple[str, str, str, str, int, Better, float | None, float | None, float | None]] = [
    ("d1", "d8", "CO₂", "ppm", 0, "lower", None, 0, None),
    ("d2", "d9", "Dust PM", "µg/m³", 0, "lower", None, 0, None),
    ("d3", "d10", "Temperature", "°C", 1, "lower", None, -40, 85),
    ("d4", "d11", "Humidity", "%", 0, "target", 55.0, 0, 100),
    ("d5", "d12", "Water pH", "pH", 2, "target", 7.0, 0, 14),
    # A tank level: no better direction. The unit sends its level sensor's raw 12-bit reading
    # (0..4095), not a percentage, so it has no unit.
    ("d6", "d13", "Water Level", "", 0, None, None, 0, 4095),
    ("d7", "d14", "Water Temp", "°C", 1, "lower", None, -40, 85),
]


def _build() -> list[Channel]:
    inlets, outlets = [], []
    for inlet, outlet, qty, unit, prec, better, target, lo, hi in _PAIRS:
        common = dict(unit=unit, precision=prec, better=better, target=target, quantity=qty, min=lo, max=hi,
                      trigger=True)
        inlets.append(Channel(inlet, f"Inlet {qty}", group="inlet", pair=outlet, **common))
        outlets.append(Channel(outlet, f"Outlet {qty}", group="outlet", pair=inlet, **common))
    system = [
        Channel("d15", "SW version", "", "system", precision=0),
        Channel("d16", "HW version", "", "system", precision=0),
        # CSQ 0..31; the unit reports 99 for "unknown", which is not a signal level.
        Channel("d38", "GSM signal strength", "CSQ", "system", precision=0, better="higher", min=0, max=31,
                trigger=True),
    ]
    relays = [Channel(f"i{n}", f"Relay {n}", "", "relay", precision=0, min=0, max=1) for n in range(1, 9)]
    return inlets + outlets + system + relays


CHANNELS: list[Channel] = _build()
BY_CODE: dict[str, Channel] = {c.code: c for c in CHANNELS}
RELAY_IDS: tuple[str, ...] = tuple(c.code for c in CHANNELS if c.group == "relay")
# Numeric sensor channels a rule may watch (everything but relays).
SENSOR_CODES: tuple[str, ...] = tuple(c.code for c in CHANNELS if c.group != "relay")
# Channels the history store keeps and /api/history serves: the sensors, then the relays
# (a relay bucket's mean of its 0/1 values is the share of the bucket it was ON).
HISTORY_CODES: tuple[str, ...] = SENSOR_CODES + RELAY_IDS
# Display values the pusher may send (SPEC section 5): i11 AQI .. i18 2-digit year.
DISPLAY_IDS: tuple[str, ...] = tuple(f"i{n}" for n in range(11, 19))
PAIRS: list[tuple[str, str]] = [(p[0], p[1]) for p in _PAIRS]
# What a sensor rule or an alert threshold may watch: measured values, not versions or relays.
TRIGGER_CODES: tuple[str, ...] = tuple(c.code for c in CHANNELS if c.trigger)
# No sensor reads a million of anything (1,000,000 ppm CO₂ is pure CO₂): the bound of an open
# range, so that 1e308 is refused as absurd instead of stored.
ABSURD = 1_000_000.0


def valid_range(code: str) -> tuple[float, float]:
    """The channel's range with open ends closed at +-ABSURD."""
    ch = BY_CODE[code]
    return (-ABSURD if ch.min is None else ch.min, ABSURD if ch.max is None else ch.max)


def number(v: float) -> str:
    """A number as a person reads it: 4095, -40, 0.5, 1,000,000 (no 1e+06)."""
    return f"{v:,.10g}" if abs(v) >= 10_000 else f"{v:.10g}"


def with_unit(code: str, v: float) -> str:
    unit = BY_CODE[code].unit
    return f"{number(v)} {unit}" if unit else number(v)


def out_of_range(code: str, what: str, v: float) -> str | None:
    """None when v is valid for the channel, else the sentence saying what to enter, e.g.
    "Low must be between 0 and 100 % for Inlet Humidity"."""
    lo, hi = valid_range(code)
    if lo <= v <= hi:
        return None
    return f"{what} must be between {number(lo)} and {with_unit(code, hi)} for {BY_CODE[code].label}"


def channel_map() -> list[dict]:
    """The JSON served at GET /api/channels."""
    return [c.as_dict() for c in CHANNELS]
