"""The state file: atomic saves (even under SIGKILL), versioning, corrupt files kept aside and
reported, never silently overwritten."""
from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from automation_svc import store as store_mod
from automation_svc.app import create_app
from automation_svc.models import RelayUpdate, SensorRule, StateFile
from automation_svc.service import AutomationService
from automation_svc.store import NotSaved, StateFileError, StateStore, migrate

ROOT = Path(__file__).resolve().parents[2]


def test_round_trip_keeps_rules_names_display_and_audit(make_engine, settings, clock):
    first = make_engine(settings)
    first.relays.update("i3", RelayUpdate(name="Pump", mode="sensor",
                                         sensor=SensorRule(channel="d13", low=20, high=80, above=0)))
    doc = json.loads(settings.state_file.read_text())
    assert doc["version"] == 1 and doc["relays"]["i3"]["sensor"]["channel"] == "d13"
    second = make_engine(settings)
    view = second.relays.view("i3")
    assert (view["name"], view["mode"], view["sensor"]["high"]) == ("Pump", "sensor", 80)
    assert any(e["what"].startswith("Relay 3: renamed Pump") for e in second.audit.newest(10))
    assert not list(settings.state_file.parent.glob(".*.tmp"))        # no temp files left


@pytest.mark.parametrize("content, problem", [
    (b"{not json", "not valid JSON"),
    (b'{"version": 1, "relays": {"i1": {"name": "x", "mode": "turbo"}}}', "relays.i1.mode"),
    (b'{"version": 1, "relays": {"i1": {"name": "x", "mode": "sensor"}}}', "Sensor mode needs"),
    (b'{"version": 7, "relays": {}}', "newer version"),
    (b'[1, 2]', "not a JSON object"),
    (b"\xff\xfe\x00", "not valid JSON"),
])
def test_corrupt_file_is_kept_aside_and_reported(make_engine, settings, content, problem):
    path = settings.state_file
    path.write_bytes(content)
    engine = make_engine(settings)
    aside = list(path.parent.glob("state.json.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content          # kept, byte for byte
    status = engine.store.status()
    assert status["ok"] is False and problem in status["error"]
    assert status["kept_aside"] == aside[0].name
    assert engine.relays.view("i1")["mode"] == "manual"                   # running on defaults
    # Now that the bad file is safe, saving works and the aside copy is untouched.
    engine.relays.update("i1", RelayUpdate(name="Light"))
    assert json.loads(path.read_text())["relays"]["i1"]["name"] == "Light"
    assert aside[0].read_bytes() == content
    assert any(e["who"] == "system" and "rejected" in e["what"] for e in engine.audit.newest(10))


def test_corrupt_file_is_reported_on_health(settings):
    settings.state_file.write_text("{oops")
    app = create_app(settings, service=AutomationService(settings, with_stream=False), start=False)
    body = app.test_client().get("/api/automation/health").get_json()
    assert body["status"] == "degraded"
    assert body["state_file"]["ok"] is False
    assert body["state_file"]["kept_aside"].startswith("state.json.corrupt-")
    assert "not valid JSON" in body["state_file"]["error"]


def test_file_that_cannot_be_moved_aside_is_never_overwritten(make_engine, settings, monkeypatch):
    path = settings.state_file
    path.write_bytes(b"{broken")
    monkeypatch.setattr(StateStore, "_aside_name", lambda self, tag: path.parent / "missing-dir" / "x")
    engine = make_engine(settings)
    with pytest.raises(NotSaved):                  # a change that cannot be saved is not made (507/503)
        engine.relays.update("i1", RelayUpdate(name="Light"))
    assert engine.relays.view("i1")["name"] != "Light"
    assert path.read_bytes() == b"{broken"
    status = engine.store.status()
    assert status["ok"] is False and status["writable"] is False and "saving is disabled" in status["error"]


def test_one_read_validates_the_alerts_slice_and_sets_only_it_aside(make_engine, settings, monkeypatch):
    """The engine's load reads the file once; a bad alerts slice costs only the alerts."""
    path = settings.state_file
    make_engine(settings).relays.update("i1", RelayUpdate(name="Pump"))
    doc = json.loads(path.read_text())
    doc["alerts"]["seq"] = "many"
    path.write_text(json.dumps(doc))
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))

    engine = make_engine(settings)
    assert reads.count(path) == 1
    assert engine.relays.view("i1")["name"] == "Pump" and engine.store.status()["ok"] is True
    assert "seq: Input should be a valid integer" in engine.store.slice_errors["alerts"]
    kept = list(path.parent.glob("state.json.alerts-corrupt-*"))
    assert len(kept) == 1 and json.loads(kept[0].read_text())["seq"] == "many"
    assert not list(path.parent.glob("state.json.corrupt-*"))


def test_a_file_bad_outside_the_alerts_slice_is_set_aside_whole(make_engine, settings):
    path = settings.state_file
    make_engine(settings).relays.update("i1", RelayUpdate(name="Pump"))
    doc = json.loads(path.read_text())
    doc["alerts"]["seq"] = "many"
    doc["relays"]["i1"]["mode"] = "turbo"
    path.write_text(json.dumps(doc))

    engine = make_engine(settings)
    assert "relays.i1.mode" in engine.store.status()["error"] and engine.store.slice_errors == {}
    assert len(list(path.parent.glob("state.json.corrupt-*"))) == 1
    assert not list(path.parent.glob("state.json.alerts-corrupt-*"))
    assert not any(e["what"] == "alerts state rejected" for e in engine.audit.newest(10))


def test_migration_hook(monkeypatch):
    monkeypatch.setitem(store_mod.MIGRATIONS, 1, lambda d: {**d, "added_in_v2": True})
    doc = migrate({"version": 1, "relays": {}}, current=2)
    assert doc == {"version": 2, "relays": {}, "added_in_v2": True}
    with pytest.raises(StateFileError, match="no migration from schema v0"):
        migrate({"version": 0}, current=2)
    with pytest.raises(StateFileError, match="no integer 'version'"):
        migrate({"relays": {}})


def test_saves_are_serialized_and_ordered(tmp_path):
    store = StateStore(tmp_path / "s.json")
    counter = {"n": 0}
    lock = threading.Lock()

    def snapshot():
        with lock:
            counter["n"] += 1
            return {"relays": {}, "n": counter["n"]}

    threads = [threading.Thread(target=lambda: [store.save(snapshot) for _ in range(20)]) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert json.loads((tmp_path / "s.json").read_text())["n"] == 80       # the last snapshot won


SAVER = textwrap.dedent("""
    import hashlib, sys
    from automation_svc.store import StateStore
    store = StateStore(sys.argv[1])
    i = 0
    while True:
        i += 1
        body = f"{i}:" + "x" * 300_000
        store.save(lambda: {"relays": {}, "counter": i, "body": body,
                            "digest": hashlib.sha256(body.encode()).hexdigest()})
        if i == 1:
            print("ready", flush=True)
""")


def test_sigkill_during_save_leaves_old_or_new_never_broken(tmp_path):
    path = tmp_path / "state.json"
    rng = random.Random(1234)
    counters = []

    def validate(doc: dict) -> dict:
        assert hashlib.sha256(doc["body"].encode()).hexdigest() == doc["digest"]
        assert doc["body"].startswith(f"{doc['counter']}:")
        return doc

    for _ in range(24):
        proc = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], cwd=ROOT,
                                stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.06))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        loader = StateStore(path)
        doc = loader.load(validate)
        assert loader.load_error is None, loader.load_error
        assert doc is not None and doc["version"] == 1
        counters.append(doc["counter"])
        assert not list(tmp_path.glob("state.json.corrupt-*"))
    assert max(counters) > 1          # the kills really landed while saves were going on


def test_state_file_schema_rejects_unknown_relays():
    with pytest.raises(ValueError):
        StateFile.model_validate({"version": 1, "relays": {"i9": {"name": "x"}}})
