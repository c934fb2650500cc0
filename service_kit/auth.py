"""Admin login shared by both services: the alias + password give a JWT.

The password is kept only as a hash; who may have a password checked, and when, is decided
before any check (login_throttle.py: counted per client, one in flight per client, slowed for
everyone when many fail, a bounded queue). Checking a password costs ~100 ms of CPU
(scrypt), so it runs off the gevent hub, one at a time: done on the hub, every browser socket
and request of the worker stood still for it (bench_fanout: p99 with 10 logins/s).
"""
from __future__ import annotations

import hmac
import logging
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_jwt_extended import create_access_token
from limits import parse
from werkzeug.security import check_password_hash, generate_password_hash

from devicecloud.settings import Settings

from .coop import CpuLane
from .login_throttle import LoginGate, LoginThrottle, Refused
from .webapp import ApiError, error_response, json_body

log = logging.getLogger(__name__)
# Only real credential checks count. Malformed (400) and rate-limited (429) attempts are
# unlimited and unauthenticated: auditing them would let anyone rewrite the state file at will
# and push the command history out of the bounded audit tail.
LOGIN_RESULTS = {200: "ok", 401: "wrong id or password"}
LoginHook = Callable[[str, str], None]      # (result, client address)
LOGIN_AUDIT_CLAIM = "login_audit"           # marks the gateway's token for automation's audit route
THROTTLE = "xo2_login_throttle"             # app.extensions key of the app's LoginThrottle
GATE = "xo2_login_gate"                     # ... and of its LoginGate
SCRYPT = "scrypt:16384:8:2"                 # werkzeug's method string: scrypt:N:r:p


def add_login(app: Flask, settings: Settings, url_prefix: str,
              on_result: LoginHook | None = None) -> None:
    """Register POST <url_prefix>/login. Refuses to start with weak secrets (unless XO2_DEV).
    `on_result(result, client)` hears every real credential check (for the audit log)."""
    settings.check_secrets()
    # scrypt N=2^14, r=8, p=2: the same work (N*r*p) as werkzeug's default N=2^15, p=1, in
    # 16 MiB per check instead of 32 (bench_fanout: the gateway's peak RSS during 10 logins/s).
    pw_hash = generate_password_hash(settings.admin_password.get_secret_value(), method=SCRYPT)
    # Failed logins per client (XO2_LOGIN_LIMIT, e.g. "5 per minute"), counted before each
    # check by the gate (login_throttle.py) with the global cap; no request hooks, so no other
    # route pays for them.
    limit = parse(settings.login_limit)
    app.extensions[GATE] = LoginGate(limit.amount, float(limit.get_expiry()))
    app.extensions[THROTTLE] = LoginThrottle()
    # One check at a time (each is ~70-100 ms and 16 MiB of scrypt), at a lower CPU priority than
    # the hub: a login may wait a little, the browser sockets should not.
    checks = CpuLane(1, nice=10)
    bp = Blueprint(f"{app.name}_auth", __name__, url_prefix=url_prefix)

    @bp.post("/login")
    def login():
        client = request.remote_addr or "?"     # one hop of X-Forwarded-For: see webapp.py
        body = json_body()
        device_id, password = body.get("deviceId"), body.get("password")
        if not isinstance(device_id, str) or not device_id:
            raise ApiError(400, "deviceId is required", "deviceId")
        if not isinstance(password, str) or not password:
            raise ApiError(400, "password is required", "password")
        try:
            ok = _checked(client, device_id, password)
        except Refused as refused:
            resp, status = error_response(429, str(refused))
            resp.headers["Retry-After"] = str(refused.retry_after_s)
            return resp, status
        if not ok:
            log.warning("failed login")
            raise ApiError(401, "wrong device id or password")
        token = create_access_token(identity="admin", additional_claims={"device": settings.device_alias})
        return jsonify(access_token=token, token_type="Bearer",
                       expires_in=settings.jwt_expires_s, deviceId=settings.device_alias)

    def _checked(client: str, device_id: str, password: str) -> bool:
        """Admit, wait out the global cap, queue, check. Raises Refused (429) before any check."""
        gate: LoginGate = current_app.extensions[GATE]
        throttle: LoginThrottle = current_app.extensions[THROTTLE]
        gate.admit(client)
        queued = ok = checked = False
        try:
            throttle.wait()             # holds no queue place
            gate.queue()
            queued = True
            # Check both so timing does not tell which one was wrong.
            id_ok = hmac.compare_digest(device_id.encode(), settings.device_alias.encode())
            ok = checks.run(check_password_hash, pw_hash, password) and id_ok
            checked = True
        finally:
            gate.done(client, queued=queued, refund=ok or not checked)
        if not ok:
            throttle.failed()
        return ok

    if on_result is not None:
        @bp.after_request
        def _report(resp: Response) -> Response:
            if resp.status_code in LOGIN_RESULTS:
                on_result(LOGIN_RESULTS[resp.status_code], request.remote_addr or "?")
            return resp

    app.register_blueprint(bp)


def scope_service_tokens(app: Flask, message: str, allowed_endpoint: str | None = None) -> None:
    """The gateway's audit-report token (LOGIN_AUDIT_CLAIM) is signed with the shared secret, so
    it verifies in both services, but it is no login: refused (403, `message`) wherever the app
    checks a token, routes and the socket ticket alike, except at `allowed_endpoint`."""
    jwt = app.extensions["flask-jwt-extended"]

    @jwt.token_verification_loader
    def _in_scope(header: dict, claims: dict) -> bool:
        return not claims.get(LOGIN_AUDIT_CLAIM) or (
            allowed_endpoint is not None and request.endpoint == allowed_endpoint)

    @jwt.token_verification_failed_loader
    def _out_of_scope(header: dict, claims: dict):
        return error_response(403, message)
