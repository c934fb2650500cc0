"""The cloud clients against the simulator: subscribe, frames, commands, drops, renewals, 5xx."""
from __future__ import annotations

import threading
import time

import pytest
import requests

from devicecloud.rest import CloudClient, CloudError
from devicecloud.settings import load_settings
from devicecloud.sim.server import SimServer
from devicecloud.stream import CloudStream

pytestmark = pytest.mark.timeout(60)
DEVICE = "BTTE1250001"


@pytest.fixture
def sim():
    with SimServer(period=0.1, command_delay=0.3, device_id=DEVICE, port=0) as s:
        yield s


class Recorder:
    def __init__(self) -> None:
        self.frames: list[dict] = []
        self.status: list[tuple[bool, str]] = []
        self.cv = threading.Condition()

    def on_frame(self, frame: dict) -> None:
        with self.cv:
            self.frames.append(frame)
            self.cv.notify_all()

    def on_status(self, connected: bool, reason: str) -> None:
        with self.cv:
            self.status.append((connected, reason))
            self.cv.notify_all()

    def wait(self, pred, timeout: float = 10.0):
        with self.cv:
            assert self.cv.wait_for(pred, timeout), "condition not met in time"


def settings_for(sim, **kw):
    return load_settings(cloud_rest_url=sim.rest_url, cloud_ws_url=sim.ws_url, device_id=DEVICE,
                         http_backoff_s=0, **kw)


def open_stream(sim, rec: Recorder, **kw) -> CloudStream:
    return CloudStream(settings_for(sim, **kw), rec.on_frame, rec.on_status,
                       backoff_initial_s=0.1, recv_timeout_s=0.1).start()


def test_subscribe_then_frames_arrive_with_socket_shapes(sim):
    rec = Recorder()
    stream = open_stream(sim, rec)
    try:
        rec.wait(lambda: len(rec.frames) >= 5)
        assert stream.connected and stream.connects == 1
        frame = rec.frames[-1]
        assert frame["deviceId"] == DEVICE and isinstance(frame["ts"], int)
        assert {f"d{n}" for n in range(1, 15)} <= frame.keys()
        assert [s[0] for s in rec.status] == [True]
        stamps = [f["ts"] for f in rec.frames]
        assert stamps == sorted(stamps)
    finally:
        stream.stop()
    assert not stream.connected


def test_command_then_a_later_frame_shows_the_relay(sim):
    rec = Recorder()
    stream = open_stream(sim, rec)
    try:
        rec.wait(lambda: rec.frames)
        current = int(rec.frames[-1]["i3"])
        wanted = 1 - current
        sent_at = time.time()
        CloudClient(settings_for(sim)).command({"i3": wanted})
        rec.wait(lambda: rec.frames[-1]["i3"] == wanted)
        assert time.time() - sent_at >= 0.25  # the simulator applies it after its delay
    finally:
        stream.stop()


def test_socket_drop_reconnects_and_resubscribes(sim):
    rec = Recorder()
    stream = open_stream(sim, rec)
    try:
        rec.wait(lambda: len(rec.frames) >= 2)
        requests.post(f"{sim.rest_url}/__sim/drop", timeout=5).raise_for_status()
        rec.wait(lambda: any(not c for c, _ in rec.status))
        before = len(rec.frames)
        rec.wait(lambda: stream.connects >= 2 and len(rec.frames) >= before + 3)
        assert stream.connected
        assert [c for c, _ in rec.status][:3] == [True, False, True]
    finally:
        stream.stop()


def test_cloud_that_drops_every_few_frames_keeps_streaming(sim):
    requests.post(f"{sim.rest_url}/__sim/faults", json={"drop_every": 3}, timeout=5).raise_for_status()
    rec = Recorder()
    stream = open_stream(sim, rec)
    try:
        rec.wait(lambda: len(rec.frames) >= 12, timeout=20)
        assert stream.connects >= 3
    finally:
        stream.stop()


def test_socket_is_renewed_before_its_age_cap_without_a_gap(sim):
    rec = Recorder()
    stream = open_stream(sim, rec, ws_max_age_s=0.5)
    try:
        rec.wait(lambda: stream.connects >= 4 and len(rec.frames) >= 20, timeout=20)
        # make-before-break: never reported disconnected while renewing
        assert all(connected for connected, _ in rec.status)
        stamps = sorted({f["ts"] for f in rec.frames})
        assert stamps[-1] - stamps[0] <= len(stamps)  # 0.1 s frames: no second without one
    finally:
        stream.stop()


def test_keepalive_resends_subscribe_while_idle(sim):
    requests.post(f"{sim.rest_url}/__sim/faults", json={"offline": True}, timeout=5).raise_for_status()
    rec = Recorder()
    stream = open_stream(sim, rec, ws_keepalive_s=0.2)
    try:
        rec.wait(lambda: stream.connected)
        time.sleep(1.0)
        assert stream.connected and stream.connects == 1  # idle but alive, no reconnects
        assert stream.keepalives >= 3
    finally:
        stream.stop()


def test_unreachable_cloud_backs_off_and_connects_when_it_comes_back():
    port_holder = SimServer(period=0.1, device_id=DEVICE, port=0)
    port_holder.start()
    rest, ws = port_holder.rest_url, port_holder.ws_url
    port = int(rest.rsplit(":", 1)[1])
    port_holder.stop()
    rec = Recorder()
    s = load_settings(cloud_rest_url=rest, cloud_ws_url=ws, device_id=DEVICE)
    stream = CloudStream(s, rec.on_frame, rec.on_status, backoff_initial_s=0.1, recv_timeout_s=0.1).start()
    try:
        time.sleep(0.5)
        assert not stream.connected and not rec.frames
        with SimServer(period=0.1, device_id=DEVICE, port=port):
            rec.wait(lambda: len(rec.frames) >= 2, timeout=15)
            assert stream.connected
    finally:
        stream.stop()


def test_5xx_burst_is_retried_then_a_clear_error(sim):
    requests.post(f"{sim.rest_url}/__sim/faults", json={"error_burst": 2}, timeout=5).raise_for_status()
    client = CloudClient(settings_for(sim, http_retries=3))
    assert client.graph("hour")["period"] == "hour"  # two 503s absorbed by retries
    requests.post(f"{sim.rest_url}/__sim/faults", json={"error_rate": 1.0}, timeout=5).raise_for_status()
    with pytest.raises(CloudError, match=r"^device cloud returned 503 \(graph/day\)$"):
        CloudClient(settings_for(sim, http_retries=2)).graph("day")


def test_slow_cloud_times_out_with_a_clear_error(sim):
    requests.post(f"{sim.rest_url}/__sim/faults", json={"hang_s": 2.0}, timeout=5).raise_for_status()
    client = CloudClient(settings_for(sim, http_retries=0, http_timeout_s=0.5))
    with pytest.raises(CloudError, match="timed out"):
        client.graph("hour")
