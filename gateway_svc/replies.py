"""Response helpers shared by the blueprints."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask_jwt_extended import verify_jwt_in_request

from .cache import Cached


def _check_jwt() -> None:
    # Raises on a missing/bad/expired token; devicecloud.webapp turns that into 401 JSON.
    # Returns None on purpose: a before_request that returns a value replaces the response.
    verify_jwt_in_request()


def require_login(bp: Blueprint) -> Blueprint:
    """Every route of bp needs a valid JWT (header, or ?token= as for sockets)."""
    bp.before_request(_check_jwt)
    return bp


def cached_reply(cached: Cached) -> Response:
    """A cached dict as JSON with `stale` in the body and X-Cache: hit|miss|stale."""
    resp = jsonify({**cached.value, "stale": cached.state == "stale"})
    resp.headers["X-Cache"] = cached.state
    return resp
