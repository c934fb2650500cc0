"""Particulate-matter sub-index (the AQI the display shows) from one breakpoint table, chosen by
standard (cpcb|epa) and by what the unit's "Dust PM" sensor measures (pm25|pm10, XO2_PM_SIZE).

Sources:
- "cpcb": India CPCB National Air Quality Index, 24-h breakpoints for PM2.5 and PM10, from
  "National Air Quality Index" (CPCB / IIT Kanpur, 2014), http://app.cpcbccr.com/ccr_docs/FINAL-REPORT_AQI_.pdf
  and CPCB's "About National Air Quality Index". Concentrations are whole ug/m3 (bands 0-30, 31-60,
  ...), so a reading is truncated to an integer before lookup. The source leaves Severe open-ended
  (PM2.5 "250+", PM10 "430+"); its first whole value is 251 / 431 (index 401), and the band is given
  the width of the Very poor band below it so the index reaches 500 at 380 / 510 (capped there).
- "epa": US EPA AQI as revised on 7 Feb 2024 (in force 6 May 2024), Federal Register 2024-02637
  "Reconsideration of the NAAQS for Particulate Matter" / AQS breakpoint table
  https://aqs.epa.gov/aqsweb/documents/codetables/aqi_breakpoints.html . PM2.5 is truncated to
  0.1 ug/m3, PM10 to 1 ug/m3 before lookup (EPA Technical Assistance Document).

The unit reports an instantaneous reading, not a 24-h mean, so the index is indicative.
"""
from __future__ import annotations

import math
from typing import Literal

Standard = Literal["cpcb", "epa"]
STANDARDS: tuple[str, ...] = ("cpcb", "epa")
PmSize = Literal["pm25", "pm10"]
Band = tuple[float, float, int, int]   # (C_low, C_high, I_low, I_high), ug/m3

# (standard, size) -> (decimals the concentration is truncated to, bands)
BREAKPOINTS: dict[tuple[str, str], tuple[int, list[Band]]] = {
    ("cpcb", "pm25"): (0, [
        (0, 30, 0, 50),          # Good
        (31, 60, 51, 100),       # Satisfactory
        (61, 90, 101, 200),      # Moderately polluted
        (91, 120, 201, 300),     # Poor
        (121, 250, 301, 400),    # Very poor
        (251, 380, 401, 500),    # Severe: "250+" in the source
    ]),
    ("cpcb", "pm10"): (0, [
        (0, 50, 0, 50),          # Good
        (51, 100, 51, 100),      # Satisfactory
        (101, 250, 101, 200),    # Moderately polluted
        (251, 350, 201, 300),    # Poor
        (351, 430, 301, 400),    # Very poor
        (431, 510, 401, 500),    # Severe: "430+" in the source
    ]),
    ("epa", "pm25"): (1, [
        (0.0, 9.0, 0, 50),       # Good
        (9.1, 35.4, 51, 100),    # Moderate
        (35.5, 55.4, 101, 150),  # Unhealthy for sensitive groups
        (55.5, 125.4, 151, 200), # Unhealthy
        (125.5, 225.4, 201, 300),# Very unhealthy
        (225.5, 325.4, 301, 500),# Hazardous
    ]),
    ("epa", "pm10"): (0, [
        (0, 54, 0, 50),          # Good
        (55, 154, 51, 100),      # Moderate
        (155, 254, 101, 150),    # Unhealthy for sensitive groups
        (255, 354, 151, 200),    # Unhealthy
        (355, 424, 201, 300),    # Very unhealthy
        (425, 604, 301, 500),    # Hazardous
    ]),
}
AQI_MAX = 500


def round_half_up(x: float) -> int:
    # Python's round() is banker's rounding; index tables expect 70.5 -> 71.
    return math.floor(x + 0.5)


def pm_aqi(concentration: float, standard: Standard = "cpcb", size: PmSize = "pm25") -> int:
    """Sub-index for a PM concentration (ug/m3): linear interpolation inside its band,
    I = (I_hi - I_lo) / (C_hi - C_lo) * (C - C_lo) + I_lo, rounded to an integer."""
    decimals, table = BREAKPOINTS[(standard, size)]
    scale = 10 ** decimals
    # Truncating to the table's resolution closes the gaps between bands (30.7 -> 30, 9.05 -> 9.0).
    c = math.floor(max(0.0, concentration) * scale + 1e-9) / scale
    for c_lo, c_hi, i_lo, i_hi in table:
        if c <= c_hi:
            return round_half_up((i_hi - i_lo) / (c_hi - c_lo) * (c - c_lo) + i_lo)
    return AQI_MAX



# Category names by upper index bound: CPCB's NAQI and EPA's AQI (the web's overview/utils/aqi.js
# holds the same names with their colours: change them together).
CATEGORIES: dict[str, list[tuple[int, str]]] = {
    "cpcb": [(50, "Good"), (100, "Satisfactory"), (200, "Moderately polluted"), (300, "Poor"),
             (400, "Very poor"), (AQI_MAX, "Severe")],
    "epa": [(50, "Good"), (100, "Moderate"), (150, "Unhealthy for sensitive groups"), (200, "Unhealthy"),
            (300, "Very unhealthy"), (AQI_MAX, "Hazardous")],
}


def categories(standard: Standard) -> list[str]:
    return [name for _, name in CATEGORIES[standard]]


def category_name(index: int, standard: Standard = "cpcb") -> str:
    return next((name for hi, name in CATEGORIES[standard] if index <= hi), CATEGORIES[standard][-1][1])
