"""GET /api/health (no login: for nginx, docker and monitors) and GET /api/metrics."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask_jwt_extended import jwt_required

from . import gateway
from .metrics import render

bp = Blueprint("gw_status", __name__, url_prefix="/api")


@bp.get("/health")
def health() -> Response:
    return jsonify(gateway.current().health())


@bp.get("/metrics")
@jwt_required()
def metrics() -> Response:
    # Behind login like every other route (SPEC 8); a Prometheus job can send a bearer token.
    return Response(render(gateway.current()), mimetype="text/plain; version=0.0.4")
