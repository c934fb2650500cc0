"""The relays' own names, from automation_svc (which owns them), for what a person reads here
(the people's CSV's headers).

Asked with a one-minute token signed with the shared secret (as automation asks the gateway
for the monthly report's data), kept RELAY_NAMES_TTL_S; automation down, slow or refusing
gives {} for FAIL_TTL_S and the channel map's "Relay N" is used: a download never waits
more than TIMEOUT_S for a name.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import requests
from flask import Flask
from flask_jwt_extended import create_access_token

from devicecloud.channels import RELAY_IDS

log = logging.getLogger(__name__)
ROUTE = "/api/automation/relays"
TIMEOUT_S = 2.0
RELAY_NAMES_TTL_S = 60.0
FAIL_TTL_S = 10.0


class RelayNames:
    def __init__(self, app: Flask, automation_url: str, timer: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.url = automation_url + ROUTE
        self.timer = timer
        self._names: dict[str, str] = {}
        self._until = 0.0
        self._lock = threading.Lock()

    def get(self) -> dict[str, str]:
        """{"i1": "Blower", ...}: the names automation has; {} when it cannot say."""
        with self._lock:
            if self.timer() < self._until:
                return self._names
            names = self._ask()
            self._names = names if names is not None else {}
            self._until = self.timer() + (RELAY_NAMES_TTL_S if names is not None else FAIL_TTL_S)
            return self._names

    def _ask(self) -> dict[str, str] | None:
        with self.app.app_context():
            token = create_access_token(identity="gateway", expires_delta=timedelta(minutes=1))
        try:
            r = requests.get(self.url, timeout=TIMEOUT_S, allow_redirects=False,
                             headers={"Authorization": f"Bearer {token}"})
            relays = r.json().get("relays") if r.status_code == 200 else None
        except (requests.RequestException, ValueError, AttributeError) as exc:
            log.info("relay names: automation_svc not reachable (%s); using the channel map's", type(exc).__name__)
            return None
        if not isinstance(relays, list):
            log.info("relay names: automation_svc answered HTTP %s; using the channel map's", r.status_code)
            return None
        return {r["id"]: r["name"].strip() for r in relays
                if isinstance(r, dict) and r.get("id") in RELAY_IDS and isinstance(r.get("name"), str)
                and r["name"].strip()}
