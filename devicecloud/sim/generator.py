"""The simulated unit's data: deterministic device frames and the cloud's wire shapes.

Every value is a pure function of (ts, seed, relays, device id), so the live socket,
graph/hour, the day/week aggregates and the Athena CSV all agree without shared storage.
"""
from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

Frame = dict[str, Any]

STEP_S = 10  # the unit reports every 10 s; graph/hour and the CSV use this grid
IST_OFFSET_S = 5 * 3600 + 30 * 60  # Asia/Kolkata has no DST, so a fixed offset is exact
DAY_S = 86_400
RAW_TTL_S = 3_600  # socket sample: expireAt = ts + 1 h
IMEI = "000000000000000"
RELAY_KEYS = tuple(f"i{n}" for n in range(1, 11))
DISPLAY_KEYS = tuple(f"i{n}" for n in range(11, 19))
DEFAULT_RELAYS: Mapping[str, int] = {k: int(n <= 7) for n, k in enumerate(RELAY_KEYS, 1)}
PHYSICAL_RELAYS = RELAY_KEYS[:8]  # i9/i10 exist in frames but the unit has 8 relays

# Key orders copied from the brief: the socket sample, and the (DynamoDB-ish) REST sample.
SOCKET_ORDER = (
    "imei", "d", "meter", "offline", "date", "d38", "d39", "d40", "device_type",
    "s1", "s2", "s3", *(f"d{n}" for n in range(1, 19)), *RELAY_KEYS,
    "deviceId", "ts", "expireAt",
)
REST_ORDER = (
    "d", "meter", "d1", "d2", "d3", "d4", "offline", "expireAt", "date", "d5", "d6",
    "d7", "d8", "d9", "device_type", "s1", "s2", "s3", "d11", "d10", "sampleCount",
    "d13", "d12", "i10", "d15", "d14", "d39", "d17", "d16", "d38", "i1", "i2", "d18",
    "i3", "i4", "i5", "i6", "i7", "i8", "i9", "deviceId", "imei", "d40", "ts",
)
CSV_COLUMNS = (
    "d", "deviceId", "ts", "date", *(f"d{n}" for n in range(1, 19)), "d38", "d39",
    "d40", *RELAY_KEYS, "s1", "s2", "s3", "offline", "meter", "imei", "device_type",
    "expireAt",
)
# Averaged by the day/week roll-up; everything else is taken from the bucket's first frame.
MEASURED_KEYS = (*(f"d{n}" for n in range(1, 19)), "d38", "d39", "d40", *RELAY_KEYS)


@dataclass(frozen=True)
class Wave:
    """An inlet channel: base + daily cosine peaking at `peak_hour` (IST) + weather + noise."""

    base: float
    amp: float
    peak_hour: float
    noise: float
    lo: float
    hi: float


@dataclass(frozen=True)
class Twin:
    """An outlet channel derived from its inlet twin: offset + gain * inlet + noise."""

    inlet: str
    gain: float
    offset: float
    noise: float
    lo: float
    hi: float


INLET: dict[str, Wave] = {
    "d1": Wave(650, 170, 20, 25, 380, 950),  # CO2 ppm, evening traffic peak
    "d2": Wave(85, 50, 22, 8, 15, 160),  # dust PM ug/m3, night inversion peak
    "d3": Wave(30, 6, 15, 0.4, 20, 40),  # temperature C, mid-afternoon peak
    "d4": Wave(62, 17, 5, 2, 35, 90),  # humidity %, dawn peak
    "d5": Wave(7.25, 0.5, 12, 0.05, 6.5, 8.0),  # water pH
    "d6": Wave(65, 20, 8, 1.5, 35, 95),  # water level
    "d7": Wave(25, 4, 16, 0.3, 18, 32),  # water temperature C
}
# The outlet is the purified side: lower CO2/dust, a bit cooler, humidity pulled to ~55 %.
OUTLET: dict[str, Twin] = {
    "d8": Twin("d1", 0.45, 220, 8, 380, 700),
    "d9": Twin("d2", 0.3, 2, 2, 3, 60),
    "d10": Twin("d3", 1.0, -1.8, 0.2, 18, 38),
    "d11": Twin("d4", 0.25, 39.5, 0.8, 45, 65),
    "d12": Twin("d5", 0.5, 3.5, 0.03, 6.5, 8.0),
    "d13": Twin("d6", 1.0, -4, 1, 30, 90),
    "d14": Twin("d7", 1.0, -0.8, 0.2, 17, 31),
}
# Flattened once: _channels runs per CSV row, so attribute lookups are worth avoiding.
_INLET_TERMS = tuple(
    (code, w.base, w.amp * math.cos(2 * math.pi * w.peak_hour / 24),
     w.amp * math.sin(2 * math.pi * w.peak_hour / 24), w.amp * 0.25, w.noise, w.lo, w.hi)
    for code, w in INLET.items()
)
_OUTLET_TERMS = tuple((code, t.inlet, t.offset, t.gain, t.noise, t.lo, t.hi)
                      for code, t in OUTLET.items())
_WEATHER_PERIOD_S = 3.7 * DAY_S  # slow multi-day drift so the week graph is not one repeated day


def _noise(seed: int, ts: int, channel: int) -> float:
    """Uniform in [-1, 1), reproducible for (seed, ts, channel)."""
    # hash() of an int tuple is deterministic (PYTHONHASHSEED only salts str/bytes) and far
    # cheaper than seeding a Random per frame, which matters for 259,200-row CSVs.
    return (hash((seed, ts, channel)) & 0xFFFFFF) / 0x800000 - 1.0


def ist_date(ts: float) -> str:
    """The frame's `date`: unit-local (IST) time of ts as 'YYYY-MM-DD,HH:MM:SS'."""
    return time.strftime("%Y-%m-%d,%H:%M:%S", time.gmtime(int(ts) + IST_OFFSET_S))


def _channels(ts: int, seed: int) -> dict[str, float]:
    """d1..d14 for ts; the hot loop of CSV generation, hence the flat tuples and inline clamp."""
    theta = 2 * math.pi * ((ts + IST_OFFSET_S) % DAY_S) / DAY_S
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    weather = math.sin(2 * math.pi * ts / _WEATHER_PERIOD_S + seed)
    values: dict[str, float] = {}
    for n, (code, base, a_cos, a_sin, a_weather, noise, lo, hi) in enumerate(_INLET_TERMS):
        # amp * cos(theta - peak) == a_cos * cos(theta) + a_sin * sin(theta)
        raw = base + a_cos * cos_t + a_sin * sin_t + a_weather * weather
        raw += noise * _noise(seed, ts, n)
        values[code] = round(hi if raw > hi else lo if raw < lo else raw, 2)
    outlets = enumerate(_OUTLET_TERMS, len(_INLET_TERMS))  # own noise streams, not the inlet's
    for n, (code, inlet, offset, gain, noise, lo, hi) in outlets:
        raw = offset + gain * values[inlet] + noise * _noise(seed, ts, n)
        values[code] = round(hi if raw > hi else lo if raw < lo else raw, 2)
    return values


def make_frame(ts: int, relays: Mapping[str, int], device_id: str, seed: int = 0) -> Frame:
    """The raw frame for epoch second ts, typed as the cloud stores it (numbers as floats).

    Keys are in socket order; rest_shape/socket_shape/report CSV derive the wire forms.
    """
    ts = int(ts)
    v = _channels(ts, seed)
    gsm = round(20 + 3 * math.sin(2 * math.pi * ts / 7200) + 2 * _noise(seed, ts, 98))
    return {
        "imei": IMEI, "d": device_id, "meter": 2.0, "offline": 0.0, "date": ist_date(ts),
        "d38": float(min(25, max(15, gsm))), "d39": 22.0, "d40": 23.0, "device_type": 1.0,
        "s1": 77.0, "s2": 77.0, "s3": 0.0,
        "d1": v["d1"], "d2": v["d2"], "d3": v["d3"], "d4": v["d4"], "d5": v["d5"],
        "d6": v["d6"], "d7": v["d7"], "d8": v["d8"], "d9": v["d9"], "d10": v["d10"],
        "d11": v["d11"], "d12": v["d12"], "d13": v["d13"], "d14": v["d14"],
        "d15": 22.0, "d16": 23.0,  # SW / HW version
        "d17": round(49 + 1.5 * _noise(seed, ts, 99), 2),
        "d18": round(48 + 3 * _noise(seed, ts, 100), 2),
        **{k: float(relays.get(k, DEFAULT_RELAYS[k])) if k in PHYSICAL_RELAYS else 0.0
           for k in RELAY_KEYS},
        "deviceId": device_id, "ts": float(ts), "expireAt": float(ts + RAW_TTL_S),
    }


def _ordered(frame: Mapping[str, Any], order: Iterable[str]) -> Frame:
    out = {k: frame[k] for k in order if k in frame}
    out.update((k, v) for k, v in frame.items() if k not in out)  # unknown keys pass through
    return out


def _rest_value(key: str, value: Any) -> Any:
    if type(value) is float:  # the common case first: this runs per CSV cell
        return value
    if key == "imei" or (isinstance(value, int) and not isinstance(value, bool)):
        return float(value)
    return value


def rest_shape(frame: Mapping[str, Any]) -> Frame:
    """REST quirks: every number a float (2.0), imei as 0.0 (DynamoDB dropped the zeros)."""
    return {k: _rest_value(k, v) for k, v in _ordered(frame, REST_ORDER).items()}


def socket_shape(frame: Mapping[str, Any]) -> Frame:
    """Socket quirks: integers where whole, imei as a 15-digit string, ts an int."""
    out = _ordered(frame, SOCKET_ORDER)
    out.pop("sampleCount", None)
    for k, v in out.items():
        if isinstance(v, float) and v.is_integer():
            out[k] = int(v)
    out["imei"] = IMEI
    out["ts"] = int(out["ts"])
    return out


def socket_message(frame: Mapping[str, Any]) -> str:
    """The text of one live WebSocket message carrying frame."""
    return json.dumps({"type": "deviceData", "deviceId": frame["deviceId"],
                       "data": socket_shape(frame)})


def relays_key(relays: Mapping[str, int]) -> tuple[int, ...]:
    """Hashable relay state for caching aggregates."""
    return tuple(int(relays.get(k, DEFAULT_RELAYS[k])) for k in RELAY_KEYS)


def grid(start_ts: float, end_ts: float, step: int = STEP_S) -> range:
    """Epoch seconds on the step grid inside [start_ts, end_ts] (lazy, len() is O(1))."""
    first = -(-int(math.ceil(start_ts)) // step) * step
    return range(first, int(end_ts) + 1, step)


@lru_cache(maxsize=1024)
def _bucket(b0: int, bucket_s: int, relays: tuple[int, ...], device_id: str, seed: int,
            ttl_s: int) -> Frame:
    # Averaging ~12 evenly spread frames instead of all 108/324 keeps /graph/week ~50 ms;
    # the mean differs from the full one only by noise, which averages out anyway.
    stride = STEP_S * math.ceil(bucket_s / STEP_S / 12)
    state = dict(zip(RELAY_KEYS, relays))
    samples = [make_frame(ts, state, device_id, seed) for ts in range(b0, b0 + bucket_s, stride)]
    agg = dict(samples[0])
    for k in MEASURED_KEYS:
        agg[k] = round(sum(f[k] for f in samples) / len(samples), 2)
    agg.update(ts=float(b0), expireAt=float(b0 + ttl_s), sampleCount=float(bucket_s // STEP_S))
    return agg


def bucket_frames(start_ts: float, end_ts: float, bucket_s: int, relays: Mapping[str, int],
                  device_id: str, seed: int = 0, ttl_s: int = DAY_S) -> list[Frame]:
    """Roll-up frames for every complete, bucket-aligned bucket inside [start_ts, end_ts].

    The in-progress bucket is left out, as a periodic roll-up job would.
    """
    first = -(-int(start_ts) // bucket_s) * bucket_s
    key = relays_key(relays)
    return [_bucket(b0, bucket_s, key, device_id, seed, ttl_s)
            for b0 in range(first, int(end_ts) - bucket_s + 1, bucket_s)]


def synthetic_frames(start_ts: float, end_ts: float, relays: Mapping[str, int],
                     device_id: str, seed: int = 0) -> list[Frame]:
    """Raw frames on the 10 s grid for a span the simulator did not actually emit."""
    return [make_frame(ts, relays, device_id, seed) for ts in grid(start_ts, end_ts)]
