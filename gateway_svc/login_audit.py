"""Browser logins for the audit log: the gateway checks them, automation_svc keeps the log.

Each real credential check (devicecloud.auth.LOGIN_RESULTS) is posted to automation_svc's
internal route with a one-minute token that carries LOGIN_AUDIT_CLAIM, in the background so
a slow or stopped automation_svc never delays a login. A report that cannot be delivered is
logged here and dropped: the login itself already happened.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

import requests
from flask_jwt_extended import create_access_token

from devicecloud.auth import LOGIN_AUDIT_CLAIM
from devicecloud.settings import Settings

log = logging.getLogger(__name__)
ROUTE = "/api/automation/internal/login"
TIMEOUT_S = 5


class LoginAudit:
    def __init__(self, settings: Settings) -> None:
        self.url = settings.automation_url + ROUTE

    def __call__(self, result: str, client: str) -> None:
        """The login hook (runs in the request, so the token can be made with the app's key)."""
        token = create_access_token(identity="gateway", expires_delta=timedelta(minutes=1),
                                    additional_claims={LOGIN_AUDIT_CLAIM: True})
        threading.Thread(target=self._post, args=(token, {"result": result, "client": client}),
                         name="login-audit", daemon=True).start()

    def _post(self, token: str, body: dict) -> None:
        try:
            # No shared Session: logins are rare, and each report runs on its own thread.
            r = requests.post(self.url, json=body, timeout=TIMEOUT_S,
                              headers={"Authorization": f"Bearer {token}"})
            if r.status_code != 204:
                log.warning("automation_svc refused a login report: HTTP %s", r.status_code)
        except requests.RequestException as exc:
            log.warning("login not audited: automation_svc unreachable (%s)", type(exc).__name__)
