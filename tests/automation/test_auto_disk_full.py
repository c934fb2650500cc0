"""Issue 21 item 9: on a full disk a write route answers 2xx only if the change reached the disk;
otherwise a 507 JSON error saying the disk is full, and the service's state is as before the
request. When space returns, what changed meanwhile in the background is saved on the next tick.

The disk is a real 256 KiB tmpfs filled to the last byte (root only: mount), and, everywhere,
an OSError(ENOSPC) injected at the atomic-write edge of the store."""
from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import pytest

from automation_svc import store as store_mod
from automation_svc.app import create_app
from automation_svc.service import AutomationService

from .conftest import PASSWORD, frame

API = "/api/automation"


class InjectedDisk:
    """ENOSPC from the store's atomic write while `full`."""

    def __init__(self, monkeypatch, folder: Path) -> None:
        self.folder = folder
        self.full = False
        real = store_mod.atomic_write

        def write(path, data, **kw):
            if self.full:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(path, data, **kw)
        monkeypatch.setattr(store_mod, "atomic_write", write)

    def fill(self) -> None:
        self.full = True

    def free(self) -> None:
        self.full = False


class TmpfsDisk:
    """A real tmpfs; fill() writes a file until the kernel says ENOSPC."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], check=True,
                       capture_output=True)
        self.filler = folder / "filler"

    def fill(self) -> None:
        with open(self.filler, "ab", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
                    f.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC

    def free(self) -> None:
        self.filler.unlink()

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.folder)], check=False, capture_output=True)


def _can_mount() -> bool:
    return os.geteuid() == 0 and Path("/proc/filesystems").read_text().find("tmpfs") >= 0


@pytest.fixture(params=["injected", "tmpfs"])
def disk(request, tmp_path, monkeypatch):
    if request.param == "tmpfs":
        if not _can_mount():
            pytest.skip("a real tmpfs needs root (mount); the injected case covers the same path")
        d = TmpfsDisk(tmp_path / "disk")
        yield d
        d.close()
    else:
        (tmp_path / "disk").mkdir()
        yield InjectedDisk(monkeypatch, tmp_path / "disk")


@pytest.fixture
def stack(disk, make_settings, clock, sender):
    settings = make_settings(state_file=disk.folder / "state.json")
    svc = AutomationService(settings, clock=clock, sender=sender, with_stream=False)
    client = create_app(settings, service=svc, start=False).test_client()
    r = client.post(f"{API}/auth/login", json={"deviceId": "IOCL_XTRA_O2_ADMIN", "password": PASSWORD})
    auth = {"Authorization": f"Bearer {r.get_json()['access_token']}"}
    svc.engine.persist()
    return svc, client, auth, settings


def on_disk(settings) -> dict:
    return json.loads(settings.state_file.read_text())


def state(svc) -> dict:
    """Everything a write route may change, as the service holds it now."""
    e = svc.engine
    return {"relays": e.relays.views(), "display": e.display.config.model_dump(),
            "audit": e.audit.newest(1000), "alerts": svc.alerts.dump(),
            "silences": svc.alerts.silences_view(), "contact_points": e.contact_points.dump(),
            "email": e.contact_points.settings_view("email"), "report": e.reports.dump()}


def refused(r) -> None:
    assert r.status_code == 507, (r.status_code, r.get_json())
    body = r.get_json()
    assert "disk is full" in body["error"] and "not saved" in body["error"]


def test_put_relay_on_a_full_disk_is_507_changes_nothing_and_saves_once_space_returns(stack, disk, clock):
    svc, client, auth, settings = stack
    before, saved = state(svc), on_disk(settings)
    disk.fill()
    refused(client.put(f"{API}/relays/i1", headers=auth, json={"name": "Pump"}))
    assert state(svc) == before and on_disk(settings) == saved
    assert client.get(f"{API}/relays/i1", headers=auth).get_json()["name"] != "Pump"
    health = client.get(f"{API}/health").get_json()["state_file"]
    assert health["ok"] is False and "No space left on device" in health["error"]

    # Meanwhile the background changes something (a frame fires the offline rule's resolve...):
    svc.engine.on_frame(frame(clock))
    clock.advance(200)
    svc.alerts.step()                                  # the offline alert fires; its save fails
    assert svc.alerts.alerts_view()["active"]
    assert not on_disk(settings)["alerts"]["alerts"]

    disk.free()
    svc.engine.tick()                                  # the next tick saves what was not saved
    assert [a["rule_id"] for a in on_disk(settings)["alerts"]["alerts"]] == ["offline"]
    assert client.get(f"{API}/health").get_json()["state_file"]["ok"] is True
    r = client.put(f"{API}/relays/i1", headers=auth, json={"name": "Pump"})
    assert r.status_code == 200 and on_disk(settings)["relays"]["i1"]["name"] == "Pump"


def test_a_manual_command_on_a_full_disk_is_507_and_never_sent(stack, disk, sender):
    svc, client, auth, settings = stack
    before = state(svc)
    disk.fill()
    refused(client.post(f"{API}/relays/i2/command", headers=auth, json={"state": 1}))
    svc.engine.tick()
    svc.engine.queue.drain()
    assert sender.relay_calls() == [] and state(svc) == before
    disk.free()
    assert client.post(f"{API}/relays/i2/command", headers=auth, json={"state": 1}).status_code == 202
    svc.engine.queue.drain()
    assert sender.relay_calls() == [{"i2": 1}]
    assert on_disk(settings)["relays"]["i2"]["command"]["desired"] == 1


def test_a_mode_change_that_cancels_a_rule_command_is_undone_whole(stack, disk, clock, sender):
    svc, client, auth, _ = stack
    window = {"start": "00:00", "end": "23:59", "days": [0, 1, 2, 3, 4, 5, 6]}
    assert client.put(f"{API}/relays/i3", headers=auth, json={"mode": "time", "time": {"windows": [window],
                                                                                        "inside": 1}}).status_code == 200
    svc.engine.tick()                                  # the time rule sends i3 ON: pending
    assert svc.engine.relays.view("i3")["command"]["state"] == "pending"
    before = state(svc)
    disk.fill()
    refused(client.put(f"{API}/relays/i3", headers=auth, json={"mode": "manual"}))
    assert state(svc) == before


@pytest.mark.parametrize("method,path,body", [
    ("put", "/display", {"interval_s": 30}),
    ("post", "/alert-rules", {"kind": "threshold", "channel": "d13", "op": "below", "value": 20}),
    ("put", "/alert-rules/offline", {"for_s": 300}),
    ("put", "/alert-rules/offline", {"enabled": False}),
    ("delete", "/alert-rules/offline", None),
    ("post", "/alerts/1/ack", None),
    ("post", "/silences", {"reason": "filter change", "until": 3600}),
    ("delete", "/silences/{silence}", None),
    ("put", "/notify/email", {"host": "127.0.0.1", "port": 2525, "security": "none", "from": "c@example.com",
                              "to": ["a@example.com"]}),
    ("put", "/report-schedule", {"enabled": True, "day": 2, "time": "08:00", "to": ["a@example.com"]}),
])
def test_every_write_route_on_a_full_disk_is_507_and_changes_nothing(stack, disk, clock, method, path, body):
    svc, client, auth, settings = stack
    clock.advance(130)
    svc.alerts.step()                                  # an offline alert (id 1) is firing
    silence = client.post(f"{API}/silences", headers=auth,
                          json={"reason": "planned", "until": clock.wall() + 600}).get_json()
    if body and "until" in body:
        body = {**body, "until": clock.wall() + body["until"]}
    before, saved = state(svc), on_disk(settings)
    disk.fill()
    r = getattr(client, method)(API + path.format(silence=silence["id"]), headers=auth, json=body)
    refused(r)
    assert state(svc) == before
    disk.free()
    assert on_disk(settings) == saved


def test_discarding_a_dead_letter_on_a_full_disk_is_507_and_keeps_it(stack, disk):
    from automation_svc.alerts.messages import Message
    from automation_svc.alerts.outbox_state import DeadLetter, Item
    svc, client, auth, settings = stack
    msg = Message("test", "refused one", "body")
    item = Item(id=7, channel="email", event=msg.event, subject=msg.subject, text=msg.text, created_at=1, next_at=1)
    svc.alerts.outbox.state.dead.append(DeadLetter(item=item, reason="554 refused", at=1))
    svc.engine.persist()
    disk.fill()
    refused(client.delete(f"{API}/dead-letters/7", headers=auth))
    assert [d["id"] for d in client.get(f"{API}/dead-letters", headers=auth).get_json()["dead_letters"]] == [7]
    disk.free()
    assert client.delete(f"{API}/dead-letters/7", headers=auth).status_code == 204
    assert on_disk(settings)["alerts"]["outbox"]["dead"] == []
