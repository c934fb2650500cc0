"""Flask app factory: shared plumbing from devicecloud, the login route, the API, the service."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask_jwt_extended import create_access_token

from devicecloud.settings import Settings, load_settings
from service_kit.auth import add_login, scope_service_tokens
from service_kit.metrics import exposition
from service_kit.webapp import create_base_app

from . import api, contract, metrics, routes_alerts, routes_notify, routes_report_schedule
from .service import AutomationService

LOGIN_PREFIX = "/api/automation/auth"      # for running alone; nginx does not expose it


def create_app(settings: Settings | None = None, *, service: AutomationService | None = None,
               start: bool = True) -> Flask:
    """Build the app. `service` lets tests inject one (fake clock, fake sender, no socket);
    `start=False` leaves the background threads off so tests can drive the engine by hand."""
    settings = settings or load_settings()
    app = create_base_app("automation_svc", settings)
    # First, so weak secrets are refused before anything starts; the audit hook finds the
    # service when a login happens.
    add_login(app, settings, LOGIN_PREFIX, on_result=lambda result, client: app.extensions[
        "automation"].engine.record("admin", "login", f"from {client}", result))
    service = service or AutomationService(settings)
    app.extensions["automation"] = service
    app.register_blueprint(api.bp)
    app.register_blueprint(routes_alerts.bp)
    app.register_blueprint(routes_notify.bp)
    app.register_blueprint(routes_report_schedule.bp)
    # The monthly report asks the gateway for the month as a logged-in client would, with a
    # short-lived token of its own (the gateway does the same towards automation's audit route).
    service.engine.reports.report.gateway.token = lambda: _gateway_token(app)
    # the gateway's audit-report token is good for that one route only
    scope_service_tokens(app, "this token may only report to the audit log", "automation.gateway_report")
    # Bound internally: no login (Prometheus scrapes the service port); nginx answers 404.
    app.add_url_rule("/api/automation/metrics", "metrics", exposition(lambda: metrics.read(service)))
    contract.describe(app)          # GET /api/automation/openapi.json, once every route is in
    if start:
        service.start()
    return app


def _gateway_token(app: Flask) -> str:
    with app.app_context():
        return create_access_token(identity="automation", expires_delta=timedelta(minutes=2))

