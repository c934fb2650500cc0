"""HTTP routes of the contact points (SPEC 9 and 13), all behind the JWT: where notifications go,
set in the console (env channels read-only), and the Test button.

Views only parse and translate; the work is in alerts/contact_points.py and alerts/notify_view.py.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask_jwt_extended import jwt_required

from service_kit.webapp import error_response, json_body

from .alerts import Conflict, DeliveryError
from .alerts.contact_points import CHANNELS, ContactPoints, EnvChannel
from .alerts import notify_view
from .models import FieldError
from .service import AutomationService

bp = Blueprint("notify", __name__, url_prefix="/api/automation")


def _service() -> AutomationService:
    return current_app.extensions["automation"]


def _points() -> ContactPoints:
    return _service().engine.contact_points


def _channel(name: str) -> str:
    if name not in CHANNELS:
        raise FieldError("channel", "channel: use email, webhook or telegram")
    return name


@bp.errorhandler(FieldError)
def _bad_field(err: FieldError):
    return error_response(400, err.message, err.field)


@bp.errorhandler(Conflict)
@bp.errorhandler(EnvChannel)
def _conflict(err: Exception):
    return error_response(409, str(err))


def _view() -> dict:
    alerts = _service().alerts
    return notify_view.notify_view(alerts.channels, alerts.outbox, _points())


@bp.get("/notify")
@jwt_required()
def status():
    return jsonify(_view())


@bp.put("/notify/<channel>")
@jwt_required()
def put_channel(channel: str):
    _points().put(_channel(channel), json_body())
    return jsonify(_view()[channel])


@bp.delete("/notify/<channel>")
@jwt_required()
def delete_channel(channel: str):
    _points().delete(_channel(channel))
    return "", 204


@bp.post("/notify/test")
@jwt_required()
def test():
    channel = json_body().get("channel")
    if channel not in CHANNELS:
        raise FieldError("channel", "channel: use email, webhook or telegram")
    try:
        _service().alerts.send_test(channel)
    except DeliveryError as exc:
        return error_response(502, f"{channel} test not delivered: {exc}")
    return jsonify(channel=channel, delivered=True)
