"""GET /api/health (no login: for nginx, docker and monitors) and GET /api/metrics."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from service_kit.metrics import exposition

from . import gateway
from .metrics import read

bp = Blueprint("gw_status", __name__, url_prefix="/api")


@bp.get("/health")
def health() -> Response:
    return jsonify(gateway.current().health())


# Bound internally: no login (Prometheus scrapes the service port); nginx answers 404.
bp.add_url_rule("/metrics", "metrics", exposition(lambda: read(gateway.current())))
