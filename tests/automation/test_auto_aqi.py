"""AQI at every breakpoint edge of the CPCB NAQI PM2.5 and PM10 tables (and EPA's), written out
by hand from the published tables, not computed from the module's own table; XO2_PM_SIZE picks
the table the display uses."""
from __future__ import annotations

import pytest

from automation_svc.aqi import pm_aqi

from .conftest import BRIEF_FRAME

# (concentration ug/m3, index): each band's both ends, then past the top (capped at 500).
CPCB_PM25 = [(0, 0), (30, 50), (31, 51), (60, 100), (61, 101), (90, 200), (91, 201), (120, 300),
             (121, 301), (250, 400), (251, 401), (380, 500), (381, 500), (999, 500)]
CPCB_PM10 = [(0, 0), (50, 50), (51, 51), (100, 100), (101, 101), (250, 200), (251, 201), (350, 300),
             (351, 301), (430, 400), (431, 401), (510, 500), (511, 500), (999, 500)]
EPA_PM25 = [(0.0, 0), (9.0, 50), (9.1, 51), (35.4, 100), (35.5, 101), (55.4, 150), (55.5, 151),
            (125.4, 200), (125.5, 201), (225.4, 300), (225.5, 301), (325.4, 500), (325.5, 500)]
EPA_PM10 = [(0, 0), (54, 50), (55, 51), (154, 100), (155, 101), (254, 150), (255, 151), (354, 200),
            (355, 201), (424, 300), (425, 301), (604, 500), (605, 500)]


@pytest.mark.parametrize("pm, expected", CPCB_PM25)
def test_cpcb_pm25_edges(pm, expected):
    assert pm_aqi(pm, "cpcb", "pm25") == expected


@pytest.mark.parametrize("pm, expected", CPCB_PM10)
def test_cpcb_pm10_edges(pm, expected):
    assert pm_aqi(pm, "cpcb", "pm10") == expected


@pytest.mark.parametrize("pm, expected", EPA_PM25)
def test_epa_pm25_edges(pm, expected):
    assert pm_aqi(pm, "epa", "pm25") == expected


@pytest.mark.parametrize("pm, expected", EPA_PM10)
def test_epa_pm10_edges(pm, expected):
    assert pm_aqi(pm, "epa", "pm10") == expected


@pytest.mark.parametrize("pm, size, expected", [
    (250.9, "pm25", 400),    # whole ug/m3: 250.9 reads as 250, still Very poor
    (30.99, "pm25", 50),
    (430.5, "pm10", 400),
    (-3, "pm10", 0),         # a sub-zero reading is no reading of pollution
    # inside a band: Severe PM2.5 (500-401)/(380-251)*(300-251)+401 = 438.6
    (300, "pm25", 439),
    # Moderately polluted PM10 (200-101)/(250-101)*(175-101)+101 = 150.17
    (175, "pm10", 150),
])
def test_cpcb_truncation_and_inside_bands(pm, size, expected):
    assert pm_aqi(pm, "cpcb", size) == expected


def test_pm_size_setting_picks_the_display_table(make_settings, make_engine, sender):
    # The brief's outlet dust d9 = 43: PM2.5 Satisfactory (71), PM10 Good (43).
    for size, aqi in [("pm25", 71), ("pm10", 43)]:
        settings = make_settings(pm_size=size)
        engine = make_engine(settings.model_copy(update={"state_file": settings.state_file.with_name(f"{size}.json")}))
        engine.on_frame(dict(BRIEF_FRAME))
        engine.tick()
        engine.queue.drain()
        assert sender.display_calls()[-1]["i11"] == aqi
        assert engine.display.view()["pm_size"] == size


def test_pm_size_is_validated(make_settings):
    with pytest.raises(SystemExit, match="PM_SIZE"):
        make_settings(pm_size="pm1")
