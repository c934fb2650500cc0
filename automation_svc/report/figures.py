"""The monthly report's figures from one /api/history answer, defined exactly as the web's Impact
page defines them (web/src/features/impact/utils/report.js, web/src/lib/impact.js), so the email
and the page agree for the same month:

- the month is asked for as the page asks: the 1st to the last day (today, for the current
  month), 8 buckets a day;
- a pair's average is the plain mean of its non-empty bucket means; change = outlet - inlet,
  and % of the inlet (none when the inlet is 0); better/worse from the channel map's `better`;
- completeness: buckets begun by `now` that hold any reading, of all begun;
- hours on: each relay bucket's mean (the share ON, clamped 0-1) times the bucket length.
AQI (the Impact page has none): each unit-local day's mean PM (the mean of that day's bucket
means) gives the day's index (automation_svc/aqi.py, the display's standard and PM size); the
month's AQI is the mean of the days' indices, and days are counted per category.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from devicecloud.channels import BY_CODE, PAIRS, RELAY_IDS, Channel

from ..aqi import PmSize, Standard, categories, category_name, pm_aqi

BUCKETS_PER_DAY = 8      # as the Impact page (report.js): 3 h buckets
PM_PAIR = ("d2", "d9")   # inlet, outlet dust PM: the AQI the display shows is the outlet's


def month_range(month: str, today: date) -> tuple[date, date]:
    """(first day, last day) of "YYYY-MM" as the Impact page asks for it; ValueError for a
    malformed month or one not begun."""
    year, mon = (int(p) for p in month.split("-"))
    first = date(year, mon, 1)
    if first > today:
        raise ValueError("that month has not begun yet")
    last = date(year, mon, calendar.monthrange(year, mon)[1])
    return first, min(last, today)


def to_fixed(x: float, precision: int) -> str:
    """JavaScript's Number.toFixed (ties away from zero on the exact binary value), so the
    email shows the digits the page shows."""
    q = Decimal(x).quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP)
    return f"{q:.{precision}f}"


def _num(v: object) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def series_mean(history: dict, code: str) -> float | None:
    means = (history.get("series", {}).get(code) or {}).get("mean")
    vals = [x for x in (_num(v) for v in means or []) if x is not None]
    return sum(vals) / len(vals) if vals else None


@dataclass
class PairRow:
    quantity: str
    inlet: Channel
    outlet: Channel
    inlet_avg: float | None
    outlet_avg: float | None
    change: float | None
    pct: float | None
    verdict: str          # Improved / Worse / No change / No preferred direction / No target set / No data


def judge(inlet: float | None, outlet: float | None, ch: Channel) -> str:
    """judgeChange of web/src/lib/impact.js."""
    if inlet is None or outlet is None:
        return "No data"
    eps = 0.5 * 10 ** -ch.precision
    if ch.better == "target":
        if ch.target is None:
            return "No target set"
        d_in, d_out = abs(inlet - ch.target), abs(outlet - ch.target)
        return "No change" if abs(d_in - d_out) < eps else "Improved" if d_out < d_in else "Worse"
    if ch.better in ("lower", "higher"):
        d = outlet - inlet
        if abs(d) < eps:
            return "No change"
        return "Improved" if (d < 0 if ch.better == "lower" else d > 0) else "Worse"
    return "No preferred direction"


def pair_rows(history: dict) -> list[PairRow]:
    rows = []
    for inlet_code, outlet_code in PAIRS:
        inlet, outlet = BY_CODE[inlet_code], BY_CODE[outlet_code]
        i, o = series_mean(history, inlet_code), series_mean(history, outlet_code)
        change = None if i is None or o is None else o - i
        pct = None if change is None or i == 0 else change / abs(i) * 100
        rule = outlet if outlet.better else inlet if inlet.better else outlet      # ruleChannel()
        rows.append(PairRow(inlet.quantity or inlet.label, inlet, outlet, i, o, change, pct, judge(i, o, rule)))
    return rows


@dataclass
class Completeness:
    elapsed: int
    with_data: int
    pct: float | None
    bucket_s: float | None


def completeness(history: dict, now_s: float) -> Completeness:
    series = list((history.get("series") or {}).values())
    elapsed = with_data = 0
    for k, ts in enumerate(history.get("t") or []):
        t = _num(ts)
        if t is None or t > now_s:
            continue
        elapsed += 1
        if any(_mean_at(s, k) is not None for s in series):
            with_data += 1
    return Completeness(elapsed, with_data, with_data / elapsed * 100 if elapsed else None,
                        _num(history.get("bucket_s")))


def _mean_at(series: object, k: int) -> float | None:
    means = series.get("mean") if isinstance(series, dict) else None
    return _num(means[k]) if isinstance(means, list) and k < len(means) else None


def relay_hours(history: dict, code: str) -> float | None:
    means = (history.get("series", {}).get(code) or {}).get("mean")
    bucket_s = _num(history.get("bucket_s"))
    if not isinstance(means, list) or bucket_s is None:
        return None
    vals = [x for x in (_num(v) for v in means) if x is not None]
    return sum(min(1.0, max(0.0, x)) * bucket_s for x in vals) / 3600 if vals else None


@dataclass
class AqiSummary:
    standard: Standard
    size: PmSize
    average: dict[str, float | None]                      # "inlet"/"outlet" -> mean daily index
    days: dict[str, dict[str, int]] = field(default_factory=dict)   # side -> category -> days
    categories: list[str] = field(default_factory=list)


def aqi_summary(history: dict, tz: ZoneInfo, standard: Standard, size: PmSize) -> AqiSummary:
    t = history.get("t") or []
    out = AqiSummary(standard, size, {}, {}, categories(standard))
    for side, code in zip(("inlet", "outlet"), PM_PAIR):
        means = (history.get("series", {}).get(code) or {}).get("mean") or []
        by_day: dict[date, list[float]] = {}
        for ts, v in zip(t, means):
            x, when = _num(v), _num(ts)
            if x is not None and when is not None:
                by_day.setdefault(datetime.fromtimestamp(when, tz).date(), []).append(x)
        indices = [pm_aqi(sum(v) / len(v), standard, size) for v in by_day.values()]
        out.average[side] = sum(indices) / len(indices) if indices else None
        counts = dict.fromkeys(out.categories, 0)
        for idx in indices:
            counts[category_name(idx, standard)] += 1
        out.days[side] = counts
    return out


@dataclass
class MonthFigures:
    site: str
    month: str
    start: date
    end: date
    pairs: list[PairRow]
    relays: list[tuple[str, str, float | None]]      # (code, the relay's own name, hours on)
    completeness: Completeness
    aqi: AqiSummary
    days_pending: int


def month_figures(history: dict, *, site: str, month: str, start: date, end: date, now_s: float,
                  tz: ZoneInfo, relay_names: dict[str, str], standard: Standard, size: PmSize) -> MonthFigures:
    relays = [(code, relay_names.get(code) or BY_CODE[code].label, relay_hours(history, code)) for code in RELAY_IDS]
    pending = history.get("days_pending")
    return MonthFigures(site, month, start, end, pair_rows(history), relays, completeness(history, now_s),
                        aqi_summary(history, tz, standard, size),
                        pending if isinstance(pending, int) and not isinstance(pending, bool) else 0)
