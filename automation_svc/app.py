"""Flask app factory: shared plumbing from devicecloud, the login route, the API, the service."""
from __future__ import annotations

from flask import Flask, Response, request

from devicecloud.auth import add_login
from devicecloud.metrics import exposition
from devicecloud.settings import Settings, load_settings
from devicecloud.webapp import create_base_app

from . import api, metrics
from .service import AutomationService

LOGIN_PREFIX = "/api/automation/auth"
# Only real credential checks are audited. Malformed (400) and rate-limited (429) attempts are
# unlimited and unauthenticated: auditing them would let anyone rewrite the state file at will
# and push the command history out of the bounded audit tail.
LOGIN_RESULTS = {200: "ok", 401: "wrong id or password"}


def create_app(settings: Settings | None = None, *, service: AutomationService | None = None,
               start: bool = True) -> Flask:
    """Build the app. `service` lets tests inject one (fake clock, fake sender, no socket);
    `start=False` leaves the background threads off so tests can drive the engine by hand."""
    settings = settings or load_settings()
    app = create_base_app("automation_svc", settings)
    add_login(app, settings, LOGIN_PREFIX)      # refuses weak secrets before anything starts
    service = service or AutomationService(settings)
    app.extensions["automation"] = service
    app.register_blueprint(api.bp)
    # Bound internally: no login (Prometheus scrapes the service port); nginx answers 404.
    app.add_url_rule("/api/automation/metrics", "metrics", exposition(lambda: metrics.read(service)))
    login_endpoint = f"{app.name}_auth.login"

    @app.after_request
    def _audit_login(resp: Response) -> Response:
        if request.endpoint == login_endpoint and resp.status_code in LOGIN_RESULTS:
            service.engine.record("admin", "login", f"from {request.remote_addr}",
                                  LOGIN_RESULTS[resp.status_code])
        return resp

    if start:
        service.start()
    return app
