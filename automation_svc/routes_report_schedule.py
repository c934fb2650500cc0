"""HTTP routes of the monthly report by email (SPEC 13), all behind the JWT: its schedule, and
one month sent now. Views only parse and translate; the work is in report/."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask_jwt_extended import jwt_required

from service_kit.webapp import error_response, json_body

from .alerts import DeliveryError
from .models import FieldError
from .report.gateway_client import GatewayError, NeedsGateway
from .report.schedule import ReportSchedule, Unavailable

bp = Blueprint("report_schedule", __name__, url_prefix="/api/automation")
# The whole of send-now (gateway up to its deadline, then the mail server) stays well inside
# nginx's 60 s proxy_read_timeout for /api/automation/, so the answer is ours, not nginx's.
SEND_NOW_MAIL_S = 25.0


def _reports() -> ReportSchedule:
    return current_app.extensions["automation"].engine.reports


@bp.errorhandler(FieldError)
def _bad_field(err: FieldError):
    return error_response(400, err.message, err.field)


@bp.get("/report-schedule")
@jwt_required()
def get_schedule():
    return jsonify(_reports().view())


@bp.put("/report-schedule")
@jwt_required()
def put_schedule():
    return jsonify(_reports().update(json_body()))


@bp.post("/report-schedule/send")
@jwt_required()
def send_now():
    body = json_body()
    try:
        return jsonify(_reports().send_now(body.get("month"), SEND_NOW_MAIL_S))
    except ValueError as exc:
        return error_response(400, str(exc), "month")
    except (Unavailable, NeedsGateway) as exc:
        return error_response(409, str(exc))
    except (GatewayError, DeliveryError) as exc:
        return error_response(502, f"report not sent: {exc}")
