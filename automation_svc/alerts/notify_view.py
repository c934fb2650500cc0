"""The notification channels' status (GET /notify) and a test message (POST /notify/test)."""
from __future__ import annotations

from .channels import Channel
from .messages import Composer
from .models import Conflict
from .outbox import Outbox
from .rules import NOTIFY_CHANNELS


def notify_view(channels: dict[str, Channel], outbox: Outbox) -> dict:
    out = {}
    for name in NOTIFY_CHANNELS:
        ch = channels[name]
        log_ = outbox.status(name)
        out[name] = {"configured": ch.configured, "last_ok_at": log_.last_ok_at,
                     "last_error": log_.last_error, "last_error_at": log_.last_error_at,
                     "target": ch.describe() if ch.configured else ch.missing(),
                     "queued": outbox.queued(name), "held": log_.held}
    return out


def send_test(channels: dict[str, Channel], outbox: Outbox, composer: Composer, channel: str) -> None:
    """Deliver a test message now; raises DeliveryError (-> 502) or Conflict when off."""
    ch = channels[channel]
    if not ch.configured:
        raise Conflict(ch.missing())
    outbox.send_now(channel, composer.test(channel))
