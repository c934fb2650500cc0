"""SPEC 12 on the gateway: /api/channels says each channel's valid range and whether it may
trigger a rule (the one source the web and automation_svc validate against); /api/config names
the site (XO2_SITE_NAME, else the alias)."""
from __future__ import annotations

import pytest

from devicecloud.channels import out_of_range
from devicecloud.settings import SettingsError
from gateway_svc.app import create_app

from .conftest import ALIAS, REAL, make_settings

# SPEC 12's table: (codes, min, max, unit)
RANGES = [
    (("d1", "d8"), 0, None, "ppm"),
    (("d2", "d9"), 0, None, "µg/m³"),
    (("d3", "d10", "d7", "d14"), -40, 85, "°C"),
    (("d4", "d11"), 0, 100, "%"),
    (("d5", "d12"), 0, 14, "pH"),
    (("d6", "d13"), 0, 4095, ""),          # the level sensor's raw reading: not a percentage
    (("d38",), 0, 31, "CSQ"),
]


def test_channels_carry_the_valid_range_and_which_may_trigger(client, auth):
    items = {c["code"]: c for c in client.get("/api/channels", headers=auth).get_json()}
    for codes, lo, hi, unit in RANGES:
        for code in codes:
            assert (items[code]["min"], items[code]["max"], items[code]["unit"]) == (lo, hi, unit), code
            assert items[code]["trigger"] is True, code
    for code in ("d15", "d16"):                      # SW/HW versions: shown, never a trigger
        assert items[code]["trigger"] is False and items[code]["min"] is None
    for n in range(1, 9):
        assert items[f"i{n}"]["trigger"] is False and (items[f"i{n}"]["min"], items[f"i{n}"]["max"]) == (0, 1)


@pytest.mark.parametrize("code, what, v, sentence", [
    ("d4", "Low", -5, "Low must be between 0 and 100 % for Inlet Humidity"),
    ("d11", "High", 100.5, "High must be between 0 and 100 % for Outlet Humidity"),
    ("d9", "Value", -20, "Value must be between 0 and 1,000,000 µg/m³ for Outlet Dust PM"),
    ("d1", "Low", 1e308, "Low must be between 0 and 1,000,000 ppm for Inlet CO₂"),
    ("d3", "Clear", -41, "Clear must be between -40 and 85 °C for Inlet Temperature"),
    ("d13", "Low", 4096, "Low must be between 0 and 4095 for Outlet Water Level"),
    ("d38", "Value", 99, "Value must be between 0 and 31 CSQ for GSM signal strength"),
])
def test_a_value_outside_the_range_gets_a_sentence_naming_range_and_unit(code, what, v, sentence):
    assert out_of_range(code, what, v) == sentence


def test_the_range_ends_are_valid():
    assert out_of_range("d4", "Low", 0) is None and out_of_range("d4", "Low", 100) is None
    assert out_of_range("d3", "Low", -40) is None and out_of_range("d6", "Low", 4095) is None


def test_config_names_the_site_by_default_the_alias(client, auth):
    body = client.get("/api/config", headers=auth).get_json()
    assert body == {"deviceId": ALIAS, "timezone": "Asia/Kolkata", "siteName": ALIAS}


def test_config_names_the_site_as_set(auth):
    app = create_app(make_settings(site_name="  Panipat   Refinery\tGate 2 "), start_stream=False)
    body = app.test_client().get("/api/config", headers=auth).get_json()
    assert body["siteName"] == "Panipat Refinery Gate 2" and body["deviceId"] == ALIAS


def test_a_site_name_may_not_carry_the_real_device_id_or_run_on():
    with pytest.raises(SettingsError, match="XO2_SITE_NAME") as exc:
        make_settings(site_name=f"Plant {REAL.lower()}")
    assert REAL not in str(exc.value) and REAL.lower() not in str(exc.value)
    with pytest.raises(SettingsError, match="XO2_SITE_NAME"):
        make_settings(site_name="x" * 61)
    assert make_settings(site_name="   ").site == ALIAS
