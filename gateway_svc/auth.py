"""Login required on the gateway's routes: a valid admin JWT in the Authorization header.

The token is issued by service_kit.auth (POST /api/login); service_kit.webapp turns a
missing, bad or expired one into a 401 JSON error.
"""
from __future__ import annotations

import time

from flask import Blueprint, current_app, request
from flask_jwt_extended import verify_jwt_in_request

VERIFIED_TOKENS = "xo2_verified_tokens"
VERIFIED_MAX = 1024


def _check_jwt() -> None:
    # Raises on a missing/bad/expired token; service_kit.webapp turns that into 401 JSON.
    # Returns None on purpose: a before_request that returns a value replaces the response.
    #
    # A token that passed full verification is remembered (per app, so per secret) until its
    # `exp`: a browser sends the same token with every poll, and verifying it each time cost
    # /api/live ~0.36 ms of worker CPU a request (0.41 -> 0.77 ms; bench_live 2026-11-29:
    # throughput ratio 0.84 -> 0.57, p99 ratio 0.79 -> 0.68, target 0.8). The gateway's
    # routes never read the claims (no get_jwt(); ws-ticket verifies again for its exp), and
    # there is no revocation list, so a remembered token is accepted exactly when
    # verify_jwt_in_request() would accept it. Bad tokens are never remembered: they always
    # take the full path and its 401.
    # Keyed by the raw header, the one place a token may come from: the same input gives the
    # same verdict (and reading the environ skips building the request's header view).
    key = request.environ.get("HTTP_AUTHORIZATION")
    verified: dict[str | None, float] = current_app.extensions.setdefault(VERIFIED_TOKENS, {})
    exp = verified.get(key)
    if exp is not None and time.time() < exp:
        return
    verified_jwt = verify_jwt_in_request()
    if verified_jwt is None:      # OPTIONS is exempt from JWT checks: no claims to remember
        return
    exp = verified_jwt[1].get("exp")
    if isinstance(exp, (int, float)):
        if len(verified) >= VERIFIED_MAX:
            verified.clear()
        verified[key] = float(exp)


def require_login(bp: Blueprint) -> Blueprint:
    """Every route of bp needs a valid JWT in the Authorization header."""
    bp.before_request(_check_jwt)
    return bp
