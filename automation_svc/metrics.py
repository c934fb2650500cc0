"""automation_svc's metrics: commands by result, cloud calls, display pushes, frames, socket, alerts."""
from __future__ import annotations

from typing import TYPE_CHECKING

from service_kit.metrics import Metric

if TYPE_CHECKING:
    from .service import AutomationService


def read(service: "AutomationService") -> list[Metric]:
    engine = service.engine
    age = engine.frame_age_s()
    return [
        Metric.one("xo2_upstream_socket_connected", "gauge", "1 while the cloud socket is up",
                   service.socket_connected),
        Metric.one("xo2_frames", "counter", "frames received", engine.frames),
        Metric.one("xo2_last_frame_age_seconds", "gauge", "age of the latest frame (-1: none)",
                   -1.0 if age is None else age),
        Metric("xo2_commands", "counter", "relay commands finished, by who and result",
               [({"who": who, "result": result}, n) for (who, result), n in engine.relays.finished.items()]),
        Metric("xo2_command_sends", "counter", "relay command calls to the cloud, by who and outcome",
               [({"who": who, "outcome": outcome}, n) for (who, outcome), n in engine.relays.sends.items()]),
        Metric.one("xo2_commands_pending", "gauge", "relay commands waiting for confirmation",
                   engine.relays.pending()),
        Metric.one("xo2_command_queue_depth", "gauge", "cloud calls queued", engine.queue.depth()),
        Metric("xo2_display_pushes", "counter", "display pushes by outcome",
               [({"outcome": "sent"}, engine.display.last.pushes),
                ({"outcome": "failed"}, engine.display.last.failures)]),
        Metric.one("xo2_state_file_ok", "gauge", "0 when the state file was rejected or cannot be saved",
                   engine.store.status()["ok"]),
        *_alerts(service),
    ]


def _alerts(service: "AutomationService") -> list[Metric]:
    alerts, outbox = service.alerts, service.alerts.outbox
    active = alerts.alerts_view()["active"]
    return [
        Metric("xo2_alerts_active", "gauge", "alerts firing or acknowledged, by state and severity",
               [({"state": state, "severity": sev},
                 sum(1 for a in active if a["state"] == state and a["severity"] == sev))
                for state in ("firing", "acknowledged") for sev in ("info", "warning", "critical")]),
        Metric("xo2_notify_queued", "gauge", "notifications waiting in the outbox, by channel",
               [({"channel": name}, outbox.queued(name)) for name in outbox.channels]),
        Metric("xo2_notify_attempts", "counter", "notification delivery attempts, by channel and outcome",
               [({"channel": ch, "outcome": outcome}, n) for (ch, outcome), n in outbox.attempts.items()]),
    ]
