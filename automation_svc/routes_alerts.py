"""HTTP routes of alerts and their rules (SPEC section 9), all behind the JWT (contact points:
routes_notify.py).

Views only parse and translate; rules, lifecycle and delivery live in automation_svc/alerts/.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask_jwt_extended import jwt_required

from service_kit.webapp import error_response, json_body

from .alerts import Alerts, Conflict, NotFound
from .alerts.rules import IMPACT_CODES, THRESHOLD_CODES
from .models import FieldError

bp = Blueprint("alerts", __name__, url_prefix="/api/automation")


def _alerts() -> Alerts:
    return current_app.extensions["automation"].alerts


@bp.errorhandler(FieldError)
def _bad_field(err: FieldError):
    return error_response(400, err.message, err.field)


@bp.errorhandler(Conflict)
def _conflict(err: Conflict):
    return error_response(409, str(err))


@bp.get("/alerts")
@jwt_required()
def list_alerts():
    return jsonify(_alerts().alerts_view())


@bp.post("/alerts/<alert_id>/ack")
@jwt_required()
def ack_alert(alert_id: str):
    try:
        return jsonify(_alerts().ack(alert_id))
    except NotFound:
        return error_response(404, "unknown alert", "id")


@bp.get("/alert-rules")
@jwt_required()
def list_rules():
    # Which channels each kind accepts, so a rule editor offers only those (labels: /api/channels).
    return jsonify(rules=_alerts().rules_view(), threshold_channels=list(THRESHOLD_CODES),
                   impact_channels=list(IMPACT_CODES))


@bp.post("/alert-rules")
@jwt_required()
def create_rule():
    return jsonify(_alerts().create_rule(json_body())), 201


@bp.put("/alert-rules/<rule_id>")
@jwt_required()
def update_rule(rule_id: str):
    body = json_body()
    try:
        return jsonify(_alerts().update_rule(rule_id, body))
    except NotFound:
        return error_response(404, "unknown alert rule", "id")


@bp.delete("/alert-rules/<rule_id>")
@jwt_required()
def delete_rule(rule_id: str):
    try:
        _alerts().delete_rule(rule_id)
    except NotFound:
        return error_response(404, "unknown alert rule", "id")
    return "", 204
