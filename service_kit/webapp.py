"""Flask plumbing both services share: JSON errors, JWT, proxy headers, bad-input handling."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from flask_jwt_extended import JWTManager
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from devicecloud.settings import Settings

from .logsafe import log_path

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A clear 4xx/5xx JSON error; `field` names the offending input when there is one."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def error_response(status: int, message: str, field: str | None = None) -> tuple[Response, int]:
    body: dict[str, Any] = {"error": message}
    if field:
        body["field"] = field
    return jsonify(body), status


def json_body() -> dict:
    """The request's JSON object, or a 400 naming what is wrong with it."""
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "request body must be JSON (Content-Type: application/json)")
    if not isinstance(data, dict):
        raise ApiError(400, "request body must be a JSON object")
    return data


def create_base_app(name: str, settings: Settings) -> Flask:
    app = Flask(name)
    app.config.update(
        JWT_SECRET_KEY=settings.jwt_key,
        JWT_ACCESS_TOKEN_EXPIRES=settings.jwt_expires_s,
        # The header only: a token in a URL ends up in logs and browser history. The browser
        # socket trades its token for a one-time ticket (gateway_svc/ws_tickets.py).
        JWT_TOKEN_LOCATION=["headers"],
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False   # keep the cloud's key order in what we pass on
    app.extensions["xo2_settings"] = settings
    # nginx is the one proxy in front: trust one hop of X-Forwarded-For (client IPs for the
    # login limit and the audit) and -Proto. Not -Host: nginx passes the Host itself, and
    # every header ProxyFix reads is parsed on every request.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=0)
    _jwt(app)

    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        return error_response(err.status, err.message, err.field)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        if err.code == 429:
            return error_response(429, "too many attempts; wait a minute and try again")
        return error_response(err.code or 500, err.description or err.name)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error on %s %s", request.method, log_path(request.path))
        return error_response(500, "internal error")

    @app.after_request
    def _headers(resp: Response) -> Response:
        # One pass over the few headers, not Headers.setdefault / `in`: werkzeug raises and
        # catches a BadRequestKeyError for every missing name (~5% of a /api/live request).
        present = {name.lower() for name, _ in resp.headers}
        for name, value in (("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store")):
            if name.lower() not in present:
                resp.headers[name] = value
        return resp

    return app


def _jwt(app: Flask) -> None:
    jwt = JWTManager(app)

    @jwt.unauthorized_loader
    def _missing(reason: str):
        return error_response(401, "missing or malformed token: log in first")

    @jwt.invalid_token_loader
    def _invalid(reason: str):
        return error_response(401, "invalid token: log in again")

    @jwt.expired_token_loader
    def _expired(header: dict, payload: dict):
        return error_response(401, "token expired: log in again")
