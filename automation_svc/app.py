"""Flask app factory: shared plumbing from devicecloud, the login route, the API, the service."""
from __future__ import annotations

from flask import Flask

from devicecloud.auth import add_login
from devicecloud.metrics import exposition
from devicecloud.settings import Settings, load_settings
from devicecloud.webapp import create_base_app

from . import api, metrics
from .service import AutomationService

LOGIN_PREFIX = "/api/automation/auth"      # for running alone; nginx does not expose it


def create_app(settings: Settings | None = None, *, service: AutomationService | None = None,
               start: bool = True) -> Flask:
    """Build the app. `service` lets tests inject one (fake clock, fake sender, no socket);
    `start=False` leaves the background threads off so tests can drive the engine by hand."""
    settings = settings or load_settings()
    app = create_base_app("automation_svc", settings)
    settings.check_secrets()                    # refuses weak secrets before anything starts
    service = service or AutomationService(settings)
    add_login(app, settings, LOGIN_PREFIX, on_result=lambda result, client: service.engine.record(
        "admin", "login", f"from {client}", result))
    app.extensions["automation"] = service
    app.register_blueprint(api.bp)
    # Bound internally: no login (Prometheus scrapes the service port); nginx answers 404.
    app.add_url_rule("/api/automation/metrics", "metrics", exposition(lambda: metrics.read(service)))
    if start:
        service.start()
    return app
