"""Alerts and notifications (SPEC 9): rules, the alerts' lifecycle, the outbox and the channels;
owns the `alerts` slice of the state file; the engine feeds it frames and relay command results."""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from pydantic import ValidationError

from .channels import DeliveryError
from .facade import Alerts
from .models import SLICE, AlertsState, Conflict, NotFound

__all__ = ["Alerts", "AlertsState", "Conflict", "DeliveryError", "NotFound", "load_state"]
log = logging.getLogger(__name__)


def load_state(path: Path) -> tuple[AlertsState | None, str | None]:
    """The alerts slice of a state file the engine has already loaded (and kept aside if it
    was corrupt). An unusable slice is copied beside the file and alerts start on defaults;
    returns (state or None, what went wrong or None)."""
    try:
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None, None            # no file, or a bad one the engine has already dealt with
    raw = doc.get(SLICE) if isinstance(doc, dict) else None
    if raw is None:
        return None, None
    try:
        return AlertsState.model_validate(raw), None
    except ValidationError as exc:
        e = exc.errors()[0]
        where = ".".join(str(p) for p in e["loc"]) or SLICE
        aside = path.with_name(f"{path.name}.alerts-corrupt-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
        try:
            aside.write_text(json.dumps(raw))
            kept = f"kept as {aside.name}"
        except OSError as err:
            kept = f"could not keep a copy ({err.strerror or err})"
        problem = f"alerts state invalid ({where}: {e['msg']}); {kept}; started on default rules"
        log.error("%s", problem)
        return None, problem
