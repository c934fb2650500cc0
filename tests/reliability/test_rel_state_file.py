"""The state file under the real service process (`python -m automation_svc`: gunicorn, one
gevent worker), driven through its HTTP API.

- kill -9 during a burst of rule changes, 50+ times (mostly the worker, which gunicorn
  replaces, as after an OOM kill; sometimes the whole process group, as after a power cut):
  the file is always exactly the last acknowledged version or the one in flight, every field of
  a relay from the same version, it loads, and the next process serves it;
- a truncated, empty, garbage, schema-violating or too-new file: the service starts, keeps the
  bad file aside byte for byte, reports it on /api/automation/health, and never writes
  defaults over it.
"""
from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from automation_svc.models import StateFile
from automation_svc.store import StateStore, migrate

from .conftest import RELAYS, ServiceProc, bearer, mint_token, wait_for

pytestmark = pytest.mark.timeout(150)
NO_CLOUD = {"XO2_CLOUD_REST_URL": "http://127.0.0.1:9", "XO2_CLOUD_WS_URL": "ws://127.0.0.1:9/production",
            "XO2_HTTP_RETRIES": "0", "XO2_HTTP_TIMEOUT_S": "1", "XO2_MIN_DWELL_S": "0"}
KILLS_PER_SERVICE = 26            # two services in parallel: 52 kills
GROUP_KILL_EVERY = 13             # every 13th kill takes the gunicorn master down too


def body_for(k: int) -> dict:
    """Request k of a burst: a rule change whose fields all encode k."""
    name = f"n{k}"
    if k % 3 == 0:
        return {"name": name, "mode": "manual"}
    if k % 3 == 1:       # low within the channel's valid range (SPEC 12), still set by k
        low = k % 100_000
        return {"name": name, "mode": "sensor", "sensor": {"channel": "d9", "low": low, "high": low + 5, "above": 1}}
    return {"name": name, "mode": "time",
            "time": {"windows": [{"start": "00:00", "end": "23:59", "days": [k % 7]}], "inside": k % 2}}


def consistent(rec: dict) -> None:
    """Every field of one relay comes from the same request."""
    if not rec["name"].startswith("n"):
        return                                    # never changed: the default
    k = int(rec["name"][1:])
    want = body_for(k)
    assert rec["mode"] == want["mode"], rec
    if want["mode"] == "sensor":
        assert rec["sensor"] == want["sensor"], rec
    if want["mode"] == "time":
        assert rec["time"]["inside"] == k % 2 and rec["time"]["windows"][0]["days"] == [k % 7], rec


class Burst(threading.Thread):
    """Sequential rule changes over keep-alive connections until told to stop or cut off."""

    def __init__(self, url: str, first_k: int, rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.url, self.k, self.rng = url, first_k, rng
        self.lock = threading.Lock()
        self.stop = False
        self.acked: dict[str, str] = {}           # relay -> name of the last 200
        self.pending: dict[str, str] = {}         # relay -> name sent and not answered
        self.done = 0
        self.http = requests.Session()
        self.auth = bearer(mint_token())

    def run(self) -> None:
        while True:
            with self.lock:
                if self.stop:
                    return
                rid = self.rng.choice(RELAYS)
                self.k += 1
                body = body_for(self.k)
                self.pending[rid] = body["name"]
            try:
                r = self.http.put(f"{self.url}/api/automation/relays/{rid}", json=body, headers=self.auth, timeout=5)
            except requests.RequestException:
                return                            # the worker died under us
            with self.lock:
                assert r.status_code == 200, r.text
                self.acked[rid] = body["name"]
                self.pending.pop(rid, None)
                self.done += 1


def file_names(path: Path) -> dict[str, dict]:
    """The relays of the file, read the way the service reads it (parse, migrate, validate)
    but without StateStore.load's side effects (it moves bad files aside, deletes temps)."""
    doc = StateFile.model_validate(migrate(json.loads(path.read_bytes())))
    return {rid: rec.model_dump(mode="json") for rid, rec in doc.relays.items()}


def saving(path: Path) -> bool:
    prefix = f".{path.name}."
    return any(e.name.startswith(prefix) and e.name.endswith(".tmp") for e in os.scandir(path.parent))


def served(svc: ServiceProc) -> dict[str, str]:
    relays = svc.get("/api/automation/relays").json()["relays"]
    return {r["id"]: r["name"] for r in relays}


def kill_loop(svc: ServiceProc, path: Path, kills: int, seed: int, report: dict) -> None:
    rng = random.Random(seed)
    k0 = seed * 1_000_000
    landed = 0
    for i in range(kills):
        before = served(svc)
        if path.exists():
            assert {rid: rec["name"] for rid, rec in file_names(path).items()} == before
        burst = Burst(svc.url, k0, rng)
        burst.start()
        wait_for(lambda: burst.done >= 2 or not burst.is_alive(), 5, 0.005, "burst under way")
        if i % 2:
            time.sleep(rng.uniform(0.0, 0.12))      # anywhere in the request cycle
        else:
            wait_for(lambda: saving(path), 3, 0.0005, "a save in progress")   # inside a save
        with burst.lock:
            burst.stop = True
            acked, pending = dict(burst.acked), dict(burst.pending)
            whole_group = (i + 1) % GROUP_KILL_EVERY == 0
            victim = svc.proc.pid if whole_group else svc.worker_pid()
            if whole_group:
                os.killpg(svc.proc.pid, signal.SIGKILL)
            else:
                os.kill(victim, signal.SIGKILL)
        # Right after the kill, before anything could start again: old or new, never broken.
        left_by_kill = set(path.parent.glob(f".{path.name}.*.tmp"))
        recs = file_names(path)
        for rid, rec in recs.items():
            allowed = {acked.get(rid, before[rid]), pending.get(rid)}
            assert rec["name"] in allowed, (i, rid, rec["name"], allowed)
            consistent(rec)
        assert not list(path.parent.glob(f"{path.name}.corrupt-*"))
        landed += bool(pending)
        burst.join(10)
        k0 = burst.k + 1
        if whole_group:
            svc.proc.wait(10)
            svc.start(wait=False)
        else:
            wait_for(lambda: svc.worker_pid() not in (None, victim), 10, 0.01, "a new worker")
        svc.wait_up()
        # The new process loaded that file (plus, at most, the request that was in flight).
        now = served(svc)
        for rid, name in now.items():
            assert name == recs[rid]["name"] or name == pending.get(rid), (rid, name, recs[rid]["name"])
        health = svc.get("/api/automation/health", headers={}).json()
        assert health["state_file"]["ok"] is True, health
        # A save cut off by the kill leaves a temp file: the next start removes it.
        assert not left_by_kill & set(path.parent.glob(f".{path.name}.*.tmp")), "a stale temp file was kept"
        report["temps"] = report.get("temps", 0) + len(left_by_kill)
    report["landed"] = report.get("landed", 0) + landed
    report["kills"] = report.get("kills", 0) + kills


def big_state_file(path: Path, entries: int = 2000) -> None:
    """A valid file with a long audit tail, so each save takes a while and kills often land
    in the middle of one."""
    audit = [{"id": n, "at": 1_764_900_000 + n, "who": "admin", "what": f"i{n % 8 + 1}: name=seed {n}",
              "why": "rule change", "result": "saved"} for n in range(1, entries + 1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    relays = {rid: {"name": f"Relay {rid[1:]}"} for rid in RELAYS}
    path.write_text(json.dumps({"version": 1, "relays": relays, "audit": audit, "audit_seq": entries}))


def test_kill_9_during_rule_change_bursts_never_breaks_the_state_file(services, tmp_path):
    report: dict = {}
    errors: list[BaseException] = []
    loops, started = [], []
    for n in range(2):
        path = tmp_path / f"svc{n}" / "state.json"
        big_state_file(path)
        svc = services({**NO_CLOUD, "XO2_STATE_FILE": str(path), "XO2_AUDIT_MAX": "10000"}, name=f"kill{n}").start()
        started.append(svc)

        def run(svc=svc, path=path, n=n):
            try:
                kill_loop(svc, path, KILLS_PER_SERVICE, n + 1, report)
            except BaseException as exc:    # noqa: BLE001 - re-raised in the test thread
                errors.append(exc)
        loops.append(threading.Thread(target=run))
    for t in loops:
        t.start()
    for t in loops:
        t.join(140)
    for svc in started:
        svc.kill9()
    if errors:
        raise errors[0]
    assert report["kills"] >= 50
    # Most kills landed with a change in flight, i.e. really mid-burst.
    assert report["landed"] >= report["kills"] // 2, report
    print(f"\n{report['kills']} kills, {report['landed']} with a change in flight, "
          f"{report['temps']} cut a save off mid-write")


# -- bad files ---------------------------------------------------------------------------------
def a_real_state_file(path: Path) -> bytes:
    """A genuine, fairly large state file, as the service writes it."""
    from automation_svc.engine import Engine
    from automation_svc.models import RelayUpdate, SensorRule
    from devicecloud.settings import load_settings
    from automation_svc.clock import SystemClock
    settings = load_settings(admin_password="x" * 12, jwt_secret="y" * 40, state_file=path)
    engine = Engine(settings, StateStore(path), lambda v: None, SystemClock())
    for n in range(40):
        engine.relays.update(RELAYS[n % 8], RelayUpdate(name=f"relay {n}", mode="sensor",
                                                       sensor=SensorRule(channel="d9", low=n, high=n + 1, above=1)))
    data = path.read_bytes()
    path.unlink()
    return data


BAD_FILES = {
    "truncated": lambda good: good[: len(good) // 2],
    "empty": lambda good: b"",
    "garbage": lambda good: bytes(random.Random(7).randrange(256) for _ in range(3000)),
    "wrong schema": lambda good: b'{"version": 1, "relays": {"i1": {"name": "x", "mode": "sensor"}}}',
    "newer version": lambda good: json.dumps({**json.loads(good), "version": 99}).encode(),
    "relay i9": lambda good: b'{"version": 1, "relays": {"i9": {"name": "x"}}}',
}


def test_bad_state_file_is_kept_aside_reported_and_never_overwritten(services, tmp_path):
    good = a_real_state_file(tmp_path / "seed.json")
    started = {}
    for case, make in BAD_FILES.items():
        path = tmp_path / case.replace(" ", "-") / "state.json"
        path.parent.mkdir()
        content = make(good)
        path.write_bytes(content)
        started[case] = (services({**NO_CLOUD, "XO2_STATE_FILE": str(path)}, name=case).start(wait=False),
                         path, content)
    for case, (svc, path, content) in started.items():
        svc.wait_up()
        health = svc.get("/api/automation/health", headers={}).json()
        assert health["status"] == "degraded", (case, health)
        sf = health["state_file"]
        assert sf["ok"] is False and sf["error"].startswith("state file"), (case, sf)
        aside = path.parent / sf["kept_aside"]
        assert aside.name.startswith("state.json.corrupt-") and aside.read_bytes() == content, case
        # It runs (on defaults) and saves to the normal path, never over the kept copy.
        assert svc.put("/api/automation/relays/i1", json={"name": "after"}).status_code == 200
        assert json.loads(path.read_text())["relays"]["i1"]["name"] == "after"
        assert aside.read_bytes() == content
        audit = svc.get("/api/automation/audit?limit=10").json()["entries"]
        assert any(e["who"] == "system" and "rejected" in e["what"] for e in audit), (case, audit)
        svc.kill9()
        svc.start(wait=False)
    for case, (svc, path, content) in started.items():
        # Restarted, it serves the new file and the bad one stays where it was, untouched.
        svc.wait_up()
        assert svc.get("/api/automation/relays/i1").json()["name"] == "after"
        health = svc.get("/api/automation/health", headers={}).json()
        assert health["state_file"]["ok"] is True, (case, health)
        kept = list(path.parent.glob("state.json.corrupt-*"))
        assert len(kept) == 1 and kept[0].read_bytes() == content, case
        svc.kill9()
