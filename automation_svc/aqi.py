"""PM2.5 sub-index (the AQI the display shows) from one breakpoint table.

Sources:
- "cpcb": India CPCB National Air Quality Index, PM2.5 24-h breakpoints, from "National Air
  Quality Index" (CPCB / IIT Kanpur, 2014), http://app.cpcbccr.com/ccr_docs/FINAL-REPORT_AQI_.pdf
  and CPCB's "About National Air Quality Index". The report leaves Severe (250+) open-ended;
  250-380 is the upper anchor CPCB-style calculators commonly use, and the index is capped at 500.
  Concentrations are whole ug/m3 in that table.
- "epa": US EPA AQI for PM2.5 as revised on 7 Feb 2024 (in force 6 May 2024), Federal Register
  2024-02637 "Reconsideration of the NAAQS for Particulate Matter" / AQS breakpoint table
  https://aqs.epa.gov/aqsweb/documents/codetables/aqi_breakpoints.html . Concentrations are
  truncated to 0.1 ug/m3 before lookup (EPA Technical Assistance Document).

The unit reports an instantaneous reading, not a 24-h mean, so the index is indicative.
"""
from __future__ import annotations

import math
from typing import Literal

Standard = Literal["cpcb", "epa"]
STANDARDS: tuple[str, ...] = ("cpcb", "epa")

# standard -> (decimals the concentration is truncated to,
#              [(C_low, C_high, I_low, I_high), ...] in ug/m3)
BREAKPOINTS: dict[str, tuple[int, list[tuple[float, float, int, int]]]] = {
    "cpcb": (0, [
        (0, 30, 0, 50),          # Good
        (31, 60, 51, 100),       # Satisfactory
        (61, 90, 101, 200),      # Moderately polluted
        (91, 120, 201, 300),     # Poor
        (121, 250, 301, 400),    # Very poor
        (250, 380, 401, 500),    # Severe: "250+" in the source; 380 anchors the slope
    ]),
    "epa": (1, [
        (0.0, 9.0, 0, 50),       # Good
        (9.1, 35.4, 51, 100),    # Moderate
        (35.5, 55.4, 101, 150),  # Unhealthy for sensitive groups
        (55.5, 125.4, 151, 200), # Unhealthy
        (125.5, 225.4, 201, 300),# Very unhealthy
        (225.5, 325.4, 301, 500),# Hazardous
    ]),
}
AQI_MAX = 500


def round_half_up(x: float) -> int:
    # Python's round() is banker's rounding; index tables expect 70.5 -> 71.
    return math.floor(x + 0.5)


def pm25_aqi(concentration: float, standard: Standard = "cpcb") -> int:
    """Sub-index for a PM2.5 concentration (ug/m3): linear interpolation inside its band,
    I = (I_hi - I_lo) / (C_hi - C_lo) * (C - C_lo) + I_lo, rounded to an integer."""
    decimals, table = BREAKPOINTS[standard]
    scale = 10 ** decimals
    # Truncating to the table's resolution closes the gaps between bands (30 -> 31, 9.0 -> 9.1).
    c = math.floor(max(0.0, concentration) * scale + 1e-9) / scale
    for c_lo, c_hi, i_lo, i_hi in table:
        if c <= c_hi:
            c = max(c, c_lo)
            return round_half_up((i_hi - i_lo) / (c_hi - c_lo) * (c - c_lo) + i_lo)
    return AQI_MAX
