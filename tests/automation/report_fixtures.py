"""A month of /api/history as the gateway answers the Impact page's request (8 buckets a day),
built so each figure of the monthly report is known: a day with no data at all, a relay never
seen, values that vary within the day. And a people's CSV as SPEC 12 describes it."""
from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from devicecloud.channels import BY_CODE, HISTORY_CODES, RELAY_IDS

IST = ZoneInfo("Asia/Kolkata")
BUCKET_S = 10800
GAP_DAY = 17             # no reading at all that day


def value(code: str, k: int) -> float | None:
    """Bucket k's mean of `code` (None: no reading)."""
    day, slot = divmod(k, 8)
    if day + 1 == GAP_DAY:
        return None
    if code == "i3":
        return None                                  # a relay never reported
    fixed = {"d1": 600 + 10 * slot, "d8": 450 + 5 * slot, "d2": 100 + 2 * slot, "d9": 40 + slot,
             "d3": 31.25, "d10": 24.5, "d4": 70, "d11": 60, "d5": 7.5, "d12": 7.125, "d6": 80, "d13": 80,
             "d7": 29, "d14": 26.75, "d15": 3, "d16": 2, "d38": 20, "i1": 0.5, "i2": 1.0 if day < 10 else 0.0}
    return float(fixed.get(code, 0.0))


def month_history(year: int = 2026, month: int = 11) -> dict:
    days = calendar.monthrange(year, month)[1]
    t0 = datetime(year, month, 1, tzinfo=IST).timestamp()
    n = days * 8
    series = {}
    for code in HISTORY_CODES:
        means = [value(code, k) for k in range(n)]
        series[code] = {"min": means, "mean": means, "max": means}
    return {"deviceId": "IOCL_XTRA_O2_ADMIN", "start": f"{year}-{month:02d}-01",
            "end": f"{year}-{month:02d}-{days:02d}", "bucket_s": BUCKET_S,
            "t": [t0 + k * BUCKET_S for k in range(n)], "series": series, "days_pending": 0}


def people_csv(year: int = 2026, month: int = 11) -> str:
    """SPEC 12's people's CSV (every=3600): `Time (IST)`, then `<label> (<unit>)` per channel."""
    codes = [c for c in HISTORY_CODES if c not in ("d15", "d16")]
    head = ["Time (IST)"] + [f"{BY_CODE[c].label} ({BY_CODE[c].unit})" if BY_CODE[c].unit else BY_CODE[c].label
                             for c in codes]
    rows = [",".join(head)]
    for day in range(1, calendar.monthrange(year, month)[1] + 1):
        for hour in range(24):
            k = (day - 1) * 8 + hour // 3
            cells = [f"{year}-{month:02d}-{day:02d} {hour:02d}:00"]
            cells += ["" if value(c, k) is None else f"{value(c, k):g}" for c in codes]
            rows.append(",".join(cells))
    return "\r\n".join(rows) + "\r\n"


def relay_count() -> int:
    return len(RELAY_IDS)


def month_dates(year: int = 2026, month: int = 11) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
