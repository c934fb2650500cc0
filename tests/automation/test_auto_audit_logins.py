"""Logins in the audit log (issue 21): anyone may attempt one, so a flood of them must neither
fill the log nor evict what the console did. Failed logins from one client in one minute are
ONE entry with a count; logins keep a ring of their own; both survive a restart."""
from __future__ import annotations

from automation_svc.audit import AuditLog
from automation_svc.models import AuditEntry

from .conftest import PASSWORD

T0 = 1_764_947_000.0 - 1_764_947_000.0 % 60      # the start of a minute


def test_failed_logins_from_one_client_are_one_entry_per_minute_with_a_count():
    log = AuditLog(50)
    for i in range(40):
        log.add(T0 + i, "admin", "login", "from 10.0.0.1 (web)", "wrong id or password")
    log.add(T0 + 41, "admin", "login", "from 10.0.0.2 (web)", "wrong id or password")
    log.add(T0 + 42, "admin", "login", "from 10.0.0.1 (web)", "ok")      # a success is its own entry
    log.add(T0 + 43, "admin", "login", "from 10.0.0.1 (web)", "wrong id or password")
    log.add(T0 + 61, "admin", "login", "from 10.0.0.1 (web)", "wrong id or password")   # next minute
    got = [(e["at"] - T0, e["why"], e["result"], e["count"]) for e in reversed(log.newest(50))]
    assert got == [(0, "from 10.0.0.1 (web)", "wrong id or password", 41),
                   (41, "from 10.0.0.2 (web)", "wrong id or password", 1),
                   (42, "from 10.0.0.1 (web)", "ok", 1),
                   (61, "from 10.0.0.1 (web)", "wrong id or password", 1)]


def test_logins_never_evict_commands_and_keep_their_own_bounded_ring():
    log = AuditLog(20)
    commands = [log.add(T0 + i, "admin", f"i{i + 1} (Pump) -> ON", "manual switch", "pending") for i in range(5)]
    for i in range(1000):                           # 1000 clients, each a new summary entry
        log.add(T0 + 10 + i / 100, "admin", "login", f"from 10.0.{i // 250}.{i % 250} (web)",
                "wrong id or password")
        log.add(T0 + 10 + i / 100, "admin", "login", f"from 10.0.{i // 250}.{i % 250} (web)", "ok")
    entries = log.newest(20)
    dumped = log.dump()["audit"]
    assert {e["id"] for e in dumped} >= set(commands)           # every command is still there
    assert sum(e["what"] == "login" for e in dumped) == 10      # a fifth of 20, at least 10
    assert len(entries) == 15 and [e["id"] for e in entries] == sorted((e["id"] for e in entries), reverse=True)
    assert [e["id"] for e in dumped] == sorted(e["id"] for e in dumped)
    log.update(commands[0], "confirmed", 1.5)                   # still completed in place
    assert next(e for e in log.dump()["audit"] if e["id"] == commands[0])["result"] == "confirmed"


def test_the_rings_and_counts_survive_a_reload():
    log = AuditLog(20)
    log.add(T0, "admin", "i1 (Pump) -> ON", "manual switch", "pending")
    for _ in range(3):
        log.add(T0 + 1, "admin", "login", "from 10.0.0.1 (web)", "wrong id or password")
    doc = log.dump()
    again = AuditLog(20, [AuditEntry.model_validate(e) for e in doc["audit"]], doc["audit_seq"])
    assert again.dump() == doc
    again.add(T0 + 2, "admin", "login", "from 10.0.0.1 (web)", "wrong id or password")
    assert again.newest(1)[0]["count"] == 4 and again.seq == doc["audit_seq"]


def test_automations_own_login_route_audits_through_the_same_summary(client, service):
    for _ in range(3):
        r = client.post("/api/automation/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": "wrong-pass"})
        assert r.status_code == 401
    assert client.post("/api/automation/auth/login",
                       json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": PASSWORD}).status_code == 200
    logins = [(e["result"], e["count"]) for e in service.engine.audit.newest(10) if e["what"] == "login"]
    assert logins == [("ok", 1), ("wrong id or password", 3)]
