"""Alerts and notifications (SPEC 9): rules, the alerts' lifecycle, the outbox and the channels;
owns the `alerts` slice of the state file (validated with the rest of the file by the engine's one
load); the engine feeds it frames and relay command results."""
from __future__ import annotations

from .channels import DeliveryError
from .facade import Alerts
from .models import SLICE, AlertsState, Conflict, NotFound

__all__ = ["SLICE", "Alerts", "AlertsState", "Conflict", "DeliveryError", "NotFound"]
