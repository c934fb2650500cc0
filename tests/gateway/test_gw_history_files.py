"""Every file the history store reads at start is validated as a whole (issue 21, item 3): a
malformed day manifest, stored day file or today's frames file is set aside (moved to the
folder's set-aside/, logged once) and the day refetched from the cloud or the file begun
again: never a failed boot, never a 500."""
from __future__ import annotations

import hashlib
import json
import logging
import shutil
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
import responses

from gateway_svc.app import create_app
from gateway_svc.gateway import EXTENSION
from gateway_svc.history import day_codecs
from gateway_svc.history.manifest import KINDS

from .conftest import make_settings
from .test_gw_history_store import IST, Clock, Reports, assert_same_series, month_text

DAY = date(2025, 11, 28)                      # the day whose file is damaged
NOW = datetime(2025, 11, 30, 12, 0, tzinfo=IST)
VIEWS = [f"/api/history?start=2025-11-27&end=2025-11-30&buckets={b}" for b in (24, 500, 4999)]
CSV = "/api/report.csv?startDate=2025-11-27&endDate=2025-11-29"
SET_ASIDE = "set-aside"


def _zstd(data: bytes) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        out.write(data)
    return sink.getvalue().to_pybytes()


def manifest_doc(days: Path) -> dict:
    return json.loads((days / f"{DAY}.json").read_text())


def with_files(doc: dict, **files) -> bytes:
    return json.dumps({**doc, "files": {**doc["files"], **files}}).encode()


# each: the manifest's bytes made from the good manifest
MANIFESTS = {
    "m10 null": lambda d: with_files(d, m10=None),
    "files a list": lambda d: json.dumps({**d, "files": list(d["files"])}).encode(),
    "files a string": lambda d: json.dumps({**d, "files": "csv"}).encode(),
    "a kind missing": lambda d: json.dumps({**d, "files": {k: v for k, v in d["files"].items() if k != "m1"}}).encode(),
    "sha256 a number": lambda d: with_files(d, raw={**d["files"]["raw"], "sha256": 12}),
    "bytes a string": lambda d: with_files(d, raw={**d["files"]["raw"], "bytes": "many"}),
    "bytes negative": lambda d: with_files(d, m1={**d["files"]["m1"], "bytes": -1}),
    "rows a string": lambda d: json.dumps({**d, "rows": "288"}).encode(),
    "rows null": lambda d: json.dumps({**d, "rows": None}).encode(),
    "day a number": lambda d: json.dumps({**d, "day": 20251128}).encode(),
    "day of another file": lambda d: json.dumps({**d, "day": "2025-11-27"}).encode(),
    "fetched_at a list": lambda d: json.dumps({**d, "fetched_at": [1]}).encode(),
    "format unknown": lambda d: json.dumps({**d, "format": 99}).encode(),
    "format a string": lambda d: json.dumps({**d, "format": "2"}).encode(),
    "null": lambda d: b"null",
    "a list": lambda d: b"[1, 2]",
    "truncated": lambda d: json.dumps(d).encode()[:40],
    "garbage bytes": lambda d: bytes(range(256)) * 4,
    "empty": lambda d: b"",
    "deeply nested": lambda d: b"[" * 100_000 + b"]" * 100_000,
}

# each: (kind, new bytes from the good ones, whether the manifest is made to match them)
DAY_FILES = {
    f"{kind} {how}": (kind, make, matched)
    for kind in ("csv", "raw", "m1", "m10")
    for how, make, matched in [
        ("truncated", lambda b: b[: len(b) // 2], False),
        ("garbage", lambda b: bytes(range(256)) * 8, False),
        ("empty", lambda b: b"", False),
        ("garbage, manifest matching", lambda b: bytes(range(256)) * 8, True),
        ("empty, manifest matching", lambda b: b"", True),
    ]
}
DAY_FILES["csv zstd of junk, manifest matching"] = ("csv", lambda b: _zstd(b"\x00\x01 not a report\n1,2\n"), True)
DAY_FILES["raw a table without ts, manifest matching"] = (
    "raw", lambda b: day_codecs.parquet(pa.table({"d1": [1.0, 2.0]})), True)
DAY_FILES["m10 text cells, manifest matching"] = (
    "m10", lambda b: day_codecs.arrow(pa.table({"t": ["a"], "rows": ["b"]}), "uncompressed"), True)

FRAMES = {
    "garbage bytes": bytes(range(256)) * 8,
    "text where numbers go": b"ts,d1\nabc,xyz\n",
    "no ts column": b"d1,d8\n900.0,450.0\n",
    "not utf-8": b"ts,d1\n\xff\xfe\xfd,1\n",
    "nul bytes": b"ts,d1\n\x00\x00\x00\n",
}


def fresh_app(history_dir: Path):
    app = create_app(make_settings(history_dir=history_dir), start_stream=False)
    app.extensions[EXTENSION].store.clock = Clock(NOW)
    return app


@pytest.fixture(scope="module")
def template(tmp_path_factory, token):
    """A store holding 27..29 Nov, and the answers of a gateway with an empty store."""
    root = tmp_path_factory.mktemp("files")
    auth = {"Authorization": f"Bearer {token}"}
    with responses.RequestsMock(assert_all_requests_are_fired=False) as cloud:
        Reports(cloud, month_text(300, date(2025, 11, 26), date(2025, 11, 30)))
        client = fresh_app(root / "history").test_client()
        assert client.get("/api/history?start=2025-11-27&end=2025-11-29", headers=auth).status_code == 200
        empty = fresh_app(root / "empty").test_client()
        answers = [empty.get(url, headers=auth).get_json() for url in VIEWS]
        csv = empty.get(CSV, headers=auth).get_data()
    assert sorted(p.name for p in (root / "history" / "days").glob("*.json")) == [
        "2025-11-27.json", "2025-11-28.json", "2025-11-29.json"]
    return root / "history", answers, csv


def boot_and_view(template, tmp_path, cloud, auth, caplog, damage) -> tuple[Path, Reports]:
    """Copy the good store, damage it, boot a gateway on it, and check every view equals a
    fresh gateway's. Returns the store's folder and the mocked cloud."""
    source, answers, csv = template
    history_dir = tmp_path / "history"
    shutil.copytree(source, history_dir)
    damage(history_dir)
    reports = Reports(cloud, month_text(300, date(2025, 11, 26), date(2025, 11, 30)))
    with caplog.at_level(logging.WARNING):
        app = fresh_app(history_dir)                           # boots: no exception
        client = app.test_client()
        # calendar buckets are whole minutes: views read cells; the day's raw rows are read
        # only where a zone's midnights are not (read here as such a view would)
        app.extensions[EXTENSION].store.days.rows(DAY)
        for url, want in zip(VIEWS, answers, strict=True):
            resp = client.get(url, headers=auth)
            assert resp.status_code == 200, resp.get_data(as_text=True)
            got = resp.get_json()
            assert got["rows"] == want["rows"]
            assert_same_series(got["series"], want["series"])
        resp = client.get(CSV, headers=auth)
        assert resp.status_code == 200 and resp.get_data() == csv
        # a day dropped by the CSV's check is stored again by the next view
        again = client.get(VIEWS[0].replace("buckets=24", "buckets=100"), headers=auth)
        assert again.status_code == 200 and again.get_json()["rows"] == answers[0]["rows"]
    return history_dir, reports


def assert_set_aside(folder: Path, name: str, bad: bytes, caplog) -> None:
    """The malformed file is out of the way, kept as it was, and named once in the log."""
    kept = folder / SET_ASIDE / name
    assert kept.read_bytes() == bad
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING and name in r.getMessage()]
    assert len(warned) == 1, [r.getMessage() for r in warned]


@pytest.mark.parametrize("variant", list(MANIFESTS))
def test_a_malformed_manifest_is_set_aside_and_its_day_refetched(template, tmp_path, cloud, auth, caplog, variant):
    bad = b""

    def damage(history_dir: Path) -> None:
        nonlocal bad
        days = history_dir / "days"
        bad = MANIFESTS[variant](manifest_doc(days))
        (days / f"{DAY}.json").write_bytes(bad)
    history_dir, reports = boot_and_view(template, tmp_path, cloud, auth, caplog, damage)
    days = history_dir / "days"
    assert (DAY.isoformat(), DAY.isoformat()) in reports.asked
    assert manifest_doc(days)["day"] == DAY.isoformat()          # refetched and stored again
    assert_set_aside(days, f"{DAY}.json", bad, caplog)


@pytest.mark.parametrize("variant", list(DAY_FILES))
def test_a_malformed_day_file_is_set_aside_and_its_day_refetched(template, tmp_path, cloud, auth, caplog, variant):
    kind, make, matched = DAY_FILES[variant]
    name = f"{DAY}{KINDS[kind]}"
    bad = b""

    def damage(history_dir: Path) -> None:
        nonlocal bad
        days = history_dir / "days"
        bad = make((days / name).read_bytes())
        (days / name).write_bytes(bad)
        if matched:        # a manifest that agrees with the junk: the content itself is checked
            doc = manifest_doc(days)
            doc["files"][kind] = {"bytes": len(bad), "sha256": hashlib.sha256(bad).hexdigest()}
            (days / f"{DAY}.json").write_text(json.dumps(doc))
    history_dir, reports = boot_and_view(template, tmp_path, cloud, auth, caplog, damage)
    days = history_dir / "days"
    assert (DAY.isoformat(), DAY.isoformat()) in reports.asked
    assert (days / name).read_bytes() != bad and manifest_doc(days)["day"] == DAY.isoformat()
    assert_set_aside(days, name, bad, caplog)


@pytest.mark.parametrize("variant", list(FRAMES))
def test_a_malformed_frames_file_is_set_aside_and_today_refetched(template, tmp_path, cloud, auth, caplog, variant):
    name = f"{NOW.date()}.frames.csv"

    def damage(history_dir: Path) -> None:
        (history_dir / "today").mkdir(exist_ok=True)
        (history_dir / "today" / name).write_bytes(FRAMES[variant])
    history_dir, reports = boot_and_view(template, tmp_path, cloud, auth, caplog, damage)
    assert (NOW.date().isoformat(), NOW.date().isoformat()) in reports.asked
    assert_set_aside(history_dir / "today", name, FRAMES[variant], caplog)
