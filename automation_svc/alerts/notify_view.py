"""The contact points' status (GET /notify) and a test message (POST /notify/test)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .channels import Channel
from .messages import Composer
from .models import Conflict
from .outbox import Outbox
from .rules import NOTIFY_CHANNELS

if TYPE_CHECKING:
    from .contact_points import ContactPoints

# The Test button's delivery, as a whole, stays well inside nginx's 60 s proxy_read_timeout for
# /api/automation/ (nginx/templates), whatever XO2_NOTIFY_TIMEOUT_S says: the 502 is ours.
TEST_DEADLINE_S = 45.0


def notify_view(channels: dict[str, Channel], outbox: Outbox, points: ContactPoints | None = None) -> dict:
    """Per channel: configured, where its settings come from and what they are (no secret), the
    last delivery. `failing_since`: when the current run of failures began (None when the last
    delivery went through)."""
    out = {}
    for name in NOTIFY_CHANNELS:
        ch = channels[name]
        log_ = outbox.status(name)
        out[name] = {"configured": ch.configured, "last_ok_at": log_.last_ok_at,
                     "last_error": log_.last_error, "last_error_at": log_.last_error_at,
                     "failing_since": log_.failing_since,
                     "target": ch.describe() if ch.configured else ch.missing(),
                     "queued": outbox.queued(name), "held": log_.held}
        if points is not None:
            out[name].update(source=points.source(name), settings=points.settings_view(name))
    return out


def send_test(channels: dict[str, Channel], outbox: Outbox, composer: Composer, channel: str) -> None:
    """Deliver a test message now; raises DeliveryError (-> 502) or Conflict when off."""
    ch = channels[channel]
    if not ch.configured:
        raise Conflict(ch.missing())
    outbox.send_now(channel, composer.test(channel), TEST_DEADLINE_S)
