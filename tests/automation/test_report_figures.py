"""The monthly report's figures equal the web Impact page's for the same /api/history answer:
the page's own functions (web/src/features/impact/utils/report.js) run under node on the same
document; the AQI days are checked by hand; the HTML and text show the figures."""
from __future__ import annotations

import json
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from automation_svc.aqi import pm_aqi
from automation_svc.report import render
from automation_svc.report.figures import month_figures, month_range, to_fixed

from .report_fixtures import GAP_DAY, IST, month_history

ROOT = Path(__file__).resolve().parents[2]
REPORT_JS = ROOT / "web/src/features/impact/utils/report.js"
NAMES = {"i1": "Blower", "i2": "UV lamp", "i3": "Pump", "i4": "Relay 4", "i5": "Relay 5", "i6": "Relay 6",
         "i7": "Relay 7", "i8": "Relay 8"}
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=IST).timestamp()     # the whole of November has elapsed


def figures(history: dict):
    start, end = month_range("2026-11", date(2026, 12, 7))
    return month_figures(history, site="Plant A", month="2026-11", start=start, end=end, now_s=NOW, tz=IST,
                         relay_names=NAMES, standard="cpcb", size="pm25")


def web_figures(history: dict, tmp_path: Path) -> dict:
    """What the Impact page computes from `history` (its own code, under node)."""
    channels = json.loads(subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", "import json; from devicecloud.channels import channel_map; "
         "print(json.dumps(channel_map()))"], capture_output=True, text=True, check=True).stdout)
    (tmp_path / "h.json").write_text(json.dumps(history))
    (tmp_path / "c.json").write_text(json.dumps(channels))
    script = f"""
import {{ readFileSync }} from 'node:fs';
import {{ pairSummary, completeness, relayHoursOn }} from '{REPORT_JS.as_posix()}';
import {{ pairsFromChannels }} from '{(ROOT / "web/src/lib/impact.js").as_posix()}';
const h = JSON.parse(readFileSync('{(tmp_path / "h.json").as_posix()}'));
const ch = JSON.parse(readFileSync('{(tmp_path / "c.json").as_posix()}'));
const pairs = pairsFromChannels(ch).map((p) => ({{ code: p.inlet.code, ...pairSummary(h, p) }}));
const relays = Object.fromEntries(ch.filter((c) => c.group === 'relay').map((c) => [c.code, relayHoursOn(h, c.code)]));
console.log(JSON.stringify({{ pairs, completeness: completeness(h, {NOW}), relays }}));
"""
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True,
                         check=True, cwd=ROOT / "web")
    return json.loads(out.stdout)


def test_figures_equal_the_impact_page(tmp_path):
    history = month_history()
    mine, web = figures(history), web_figures(history, tmp_path)
    assert [r.inlet.code for r in mine.pairs] == [p["code"] for p in web["pairs"]]
    for row, page in zip(mine.pairs, web["pairs"]):
        for got, want in ((row.inlet_avg, page["inlet"]), (row.outlet_avg, page["outlet"]),
                          (row.change, page["abs"]), (row.pct, page["pct"])):
            assert (got is None and want is None) or got == pytest.approx(want, rel=1e-12), row.quantity
    c = mine.completeness
    assert (c.elapsed, c.with_data) == (web["completeness"]["elapsed"], web["completeness"]["withData"]) == (240, 232)
    # A month still running counts only the buckets begun by now, as the page does.
    partial = month_figures(history, site="Plant A", month="2026-11", start=date(2026, 11, 1),
                            end=date(2026, 11, 30), now_s=history["t"][99] + 1, tz=IST, relay_names=NAMES,
                            standard="cpcb", size="pm25").completeness
    assert (partial.elapsed, partial.with_data) == (100, 100)
    assert c.pct == pytest.approx(web["completeness"]["pct"])
    hours = {code: h for code, _, h in mine.relays}
    assert hours == pytest.approx({k: v for k, v in web["relays"].items()})
    assert hours["i1"] == pytest.approx(0.5 * 3 * 232) and hours["i2"] == pytest.approx(10 * 24) and hours["i3"] is None


def test_aqi_per_day_and_categories():
    f = figures(month_history())
    # Every day with data has the same bucket means: outlet PM 40..47 (mean 43.5), inlet 100..114 (107).
    outlet, inlet = pm_aqi(43.5), pm_aqi(107.0)
    assert f.aqi.average == {"outlet": pytest.approx(outlet), "inlet": pytest.approx(inlet)}
    assert f.aqi.days["outlet"]["Satisfactory"] == 29 and sum(f.aqi.days["outlet"].values()) == 29
    assert f.aqi.days["inlet"]["Poor"] == 29 and GAP_DAY == 17


def test_html_and_text_show_the_figures():
    f = figures(month_history())
    html, text = render.html(f, "https://console.example.test/impact"), render.text(f, "https://console.example.test/impact")
    co2 = f.pairs[0]
    assert co2.quantity == "CO₂" and to_fixed(co2.inlet_avg, 0) == "635" and to_fixed(co2.outlet_avg, 0) == "468"
    for doc in (html, text):
        assert "November 2026" in doc and "Plant A" in doc and "01 Nov 2026 to 30 Nov 2026" in doc
        assert "635 ppm" in doc and "468 ppm" in doc and "−26%" in doc       # (467.5 - 635) / 635
        assert "24.5°C" in doc and "Blower" in doc and "348.0 h" in doc and "240.0 h" in doc
        assert "Data completeness: 97% (232 of 240 3-hour periods" in doc
        assert "Pump" not in doc                    # never reported: no hours row
        assert f"outlet {pm_aqi(43.5)}" in doc
    assert "<script" not in html and "<img" not in html and "src=" not in html
    assert 'name="viewport"' in html and "<table" in html and "style=" in html


def test_js_rounding_on_ties():
    assert to_fixed(2.5, 0) == "3" and to_fixed(0.125, 2) == "0.13" and to_fixed(-2.5, 0) == "-3"
    assert to_fixed(1.005, 2) == "1.00"            # 1.005 is 1.00499999... in binary, as in JS
