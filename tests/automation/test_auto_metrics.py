"""GET /api/automation/metrics: Prometheus text read from the engine (no login: bound internally)."""
from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from .conftest import frame


def scrape(client) -> dict[tuple[str, tuple], float]:
    resp = client.get("/api/automation/metrics")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(resp.get_data(as_text=True)) for s in fam.samples}


def test_commands_by_result_frames_and_pending(client, auth, service, clock):
    engine = service.engine
    assert client.post("/api/automation/relays/i1/command", json={"state": 1}, headers=auth).status_code == 202
    engine.queue.drain()
    before = scrape(client)
    assert before[("xo2_commands_pending", ())] == 1
    assert before[("xo2_command_sends_total", (("outcome", "ok"), ("who", "admin")))] == 1
    clock.advance(5)
    engine.on_frame(frame(clock, i1=1))
    after = scrape(client)
    assert after[("xo2_commands_pending", ())] == 0
    assert after[("xo2_commands_total", (("result", "confirmed"), ("who", "admin")))] == 1
    assert after[("xo2_frames_total", ())] == 1
    assert after[("xo2_state_file_ok", ())] == 1
    assert ("xo2_display_pushes_total", (("outcome", "sent"),)) in after
