"""HTTP routes under /api/automation (SPEC section 8). All need a JWT except health.

Handlers only parse and translate: validation lives in models.py, decisions in the parts
(relays.py, display_pusher.py, audit.py) the engine coordinates.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_jwt_extended import get_jwt, jwt_required

from service_kit.auth import LOGIN_AUDIT_CLAIM
from service_kit.webapp import error_response, json_body

from .engine import Engine
from .models import (GATEWAY_REPORTS, CommandRequest, DisplayUpdate, FieldError, LoginReport, RelayUpdate,
                     parse)
from .part import Conflict, UnknownRelay
from .service import AutomationService

bp = Blueprint("automation", __name__, url_prefix="/api/automation")


def _service() -> AutomationService:
    return current_app.extensions["automation"]


def _engine() -> Engine:
    return _service().engine


@bp.errorhandler(FieldError)
def _bad_field(err: FieldError):
    return error_response(400, err.message, err.field)


@bp.errorhandler(UnknownRelay)
def _unknown_relay(err: UnknownRelay):
    return error_response(404, "Unknown relay: relays are i1 to i8", "id")


@bp.errorhandler(Conflict)
def _conflict(err: Conflict):
    return error_response(409, str(err))


@bp.get("/health")
def health():
    return jsonify(_engine().health(_service().socket_connected))


@bp.get("/relays")
@jwt_required()
def list_relays():
    return jsonify(relays=_engine().relays.views())


@bp.get("/relays/<rid>")
@jwt_required()
def get_relay(rid: str):
    return jsonify(_engine().relays.view(rid))


@bp.put("/relays/<rid>")
@jwt_required()
def update_relay(rid: str):
    relays = _engine().relays
    relays.view(rid)                              # 404 before 400 for an unknown relay
    return jsonify(relays.update(rid, parse(RelayUpdate, json_body())))


@bp.post("/relays/<rid>/command")
@jwt_required()
def command_relay(rid: str):
    relays = _engine().relays
    relays.view(rid)
    relay = relays.command(rid, parse(CommandRequest, json_body()))
    return jsonify(relay=relay), 202


@bp.get("/display")
@jwt_required()
def get_display():
    return jsonify(_engine().display.view())


@bp.put("/display")
@jwt_required()
def update_display():
    return jsonify(_engine().display.update(parse(DisplayUpdate, json_body())))


@bp.get("/audit")
@jwt_required()
def audit():
    engine = _engine()
    raw = request.args.get("limit", "100")
    cap = engine.settings.audit_max
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= cap:   # "²".isdigit() is True
        raise FieldError("limit", f"Limit must be a whole number from 1 to {cap}")
    return jsonify(entries=engine.audit.newest(int(raw)))


@bp.post("/internal/audit")
@jwt_required()
def gateway_report():
    """The gateway sees things the audit log must hold (browser logins, refused report links);
    the log is here: it reports each with a short-lived token of its own. Only the fixed kinds
    in GATEWAY_REPORTS are accepted. nginx does not expose /internal/."""
    if not get_jwt().get(LOGIN_AUDIT_CLAIM):
        return error_response(403, "only the gateway reports to the audit log")
    body = json_body()
    model = GATEWAY_REPORTS.get(body["what"]) if isinstance(body.get("what"), str) else None
    if model is None:
        raise FieldError("what", "What must be one of: " + ", ".join(GATEWAY_REPORTS))
    report = parse(model, body)
    if isinstance(report, LoginReport):
        entry = ("admin", "login", f"from {report.client} (web)", report.result)
    else:
        entry = ("system", "report link", f"from the cloud: {report.reason}", "refused")
    _engine().commit([entry])         # 507/503 when it did not reach the disk
    return "", 204

