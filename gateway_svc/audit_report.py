"""What the gateway sees that belongs in the audit log (browser logins, refused report links):
the gateway notices, automation_svc keeps the log.

Each event is posted to automation_svc's internal route with a one-minute token that carries
LOGIN_AUDIT_CLAIM (automation refuses that token everywhere else), in the background so a slow
or stopped automation_svc never delays a login or a download. A report that cannot be
delivered is logged here and dropped: the event itself already happened.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

import requests
from flask import Flask
from flask_jwt_extended import create_access_token

from devicecloud.settings import Settings
from service_kit.auth import LOGIN_AUDIT_CLAIM

log = logging.getLogger(__name__)
ROUTE = "/api/automation/internal/audit"
TIMEOUT_S = 5


class AuditReport:
    def __init__(self, app: Flask, settings: Settings) -> None:
        self.app = app
        self.url = settings.automation_url + ROUTE

    def login(self, result: str, client: str) -> None:
        """The login hook (service_kit.auth.add_login's on_result)."""
        self._send({"what": "login", "result": result, "client": client})

    def link_refused(self, reason: str) -> None:
        """A report link the console would not follow; `reason` is a fixed text (devicecloud.links)."""
        self._send({"what": "report link refused", "reason": reason})

    def _send(self, body: dict) -> None:
        # The token needs the app's key; an app context works in a request or a background job.
        with self.app.app_context():
            token = create_access_token(identity="gateway", expires_delta=timedelta(minutes=1),
                                        additional_claims={LOGIN_AUDIT_CLAIM: True})
        threading.Thread(target=self._post, args=(token, body), name="audit-report", daemon=True).start()

    def _post(self, token: str, body: dict) -> None:
        try:
            # No shared Session: reports are rare, and each runs on its own thread.
            r = requests.post(self.url, json=body, timeout=TIMEOUT_S,
                              headers={"Authorization": f"Bearer {token}"})
            if r.status_code != 204:
                log.warning("automation_svc refused an audit report (%s): HTTP %s", body["what"], r.status_code)
        except requests.RequestException as exc:
            log.warning("%s not audited: automation_svc unreachable (%s)", body["what"], type(exc).__name__)
