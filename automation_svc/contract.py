"""automation_svc's HTTP contract (SPEC sections 8 and 9, README's extra routes) as OpenAPI 3.1,
served at GET /api/automation/openapi.json (login required).

Request bodies are the models the routes validate with (models.py, alerts/rules.py); replies
are described by the models below, or the stored ones where a reply is the stored shape.
"""
from __future__ import annotations

from typing import Annotated, Literal

from flask import Flask
from pydantic import BaseModel, ConfigDict, Field, RootModel, create_model

from devicecloud.channels import RELAY_IDS
from service_kit.openapi import Contract, Health, Login, Reply, Token

from .alerts.models import Notified
from .contract_notify import (NotifyPut, NotifyStatus, ReportSchedulePut, ReportScheduleView, ReportSend,
                              ReportSent, ChannelStatus)
from .alerts.rules import Kind, Rule, RuleFields, Severity
from .models import (AuditEntry, CommandRequest, CommandState, DisplayUpdate, LinkRefusedReport,
                     LoginReport, Mode, RelayUpdate, SensorRule, TimeRule, Who)

OPENAPI_PATH = "/api/automation/openapi.json"
Bit = Literal[0, 1]


class CommandView(Reply):
    state: CommandState
    desired: Bit
    since: float
    reason: str
    who: Who
    latency_s: float | None


class RelayView(Reply):
    id: str
    name: str
    mode: Mode
    sensor: SensorRule | None
    time: TimeRule | None
    actual: Bit | None
    command: CommandView | None


class RelayList(Reply):
    relays: list[RelayView]


class CommandAccepted(Reply):
    relay: RelayView


class DisplayLast(Reply):
    at: float | None
    values: dict[str, int | float] | None
    text: str | None


class DisplayView(Reply):
    enabled: bool
    interval_s: float
    standard: str
    max_age_s: float
    last: DisplayLast


class AuditList(Reply):
    entries: list[AuditEntry]


class NewRule(RuleFields):
    """A new rule: kind is required (the rest as for an update)."""
    kind: Kind


def audit_query(cap: int) -> type[BaseModel]:
    """GET /audit's query: limit up to the XO2_AUDIT_MAX in effect."""
    limit = Annotated[int, Field(ge=1, le=cap, description="newest entries")]
    return create_model("AuditQuery", limit=(limit, 100))


class AlertView(Reply):
    id: str
    rule_id: str
    name: str
    kind: Kind
    channel: str | None
    severity: Severity
    state: Literal["firing", "acknowledged", "resolved"]
    since: float
    resolved_at: float | None
    acked_at: float | None
    acked_by: str | None
    value: float | None
    message: str
    notified: list[Notified]


class AlertList(Reply):
    active: list[AlertView]
    recent: list[AlertView]
    firing: int


class RuleList(Reply):
    rules: list[Rule]
    threshold_channels: list[str]
    impact_channels: list[str]


class NotifyTest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel: Literal["email", "webhook", "telegram"]


class NotifyDelivered(Reply):
    channel: str
    delivered: Literal[True]


class GatewayReport(RootModel[Annotated[LoginReport | LinkRefusedReport, Field(discriminator="what")]]):
    """One of the gateway's fixed reports to the audit log (`what` says which)."""


def describe(app: Flask) -> Contract:
    """Serve the document at OPENAPI_PATH (routes are documented when it is first asked for)."""
    c = Contract("XtraO2 automation_svc", "Relays, display, audit log, alerts and notifications. "
                 "Errors are {error, field?}; a 400 names the bad field.")
    c.serve(app, OPENAPI_PATH, _routes)
    return c


def _routes(c: Contract, app: Flask) -> None:
    doc = c.document
    relay = {"rid": {"type": "string", "enum": list(RELAY_IDS)}}
    doc(app, "automation.health", ok={200: Health}, public=True, tags=["status"],
        summary="Service health (no login)")
    doc(app, "metrics", public=True, media="text/plain", tags=["status"],
        summary="Prometheus metrics (no login; nginx does not expose it)")
    doc(app, "automation_svc_auth.login", ok={200: Token}, json=Login, errors=(400, 401, 429), public=True,
        tags=["login"],
        summary="Log in when running alone (nginx does not expose it)")
    doc(app, "automation.list_relays", ok={200: RelayList}, tags=["relays"],
        summary="All relays: mode, rule, actual state, last command")
    doc(app, "automation.get_relay", ok={200: RelayView}, errors=(404,), tags=["relays"], path=relay,
        summary="One relay")
    doc(app, "automation.update_relay", ok={200: RelayView}, json=RelayUpdate, errors=(400, 404),
        tags=["relays"], path=relay,
        summary="Change a relay's name, mode or rule")
    doc(app, "automation.command_relay", ok={202: CommandAccepted}, json=CommandRequest,
        errors=(400, 404, 409), tags=["relays"], path=relay,
        summary="Switch a manual relay (202 pending; 409 while one is pending)")
    doc(app, "automation.get_display", ok={200: DisplayView}, tags=["display"],
        summary="What the unit's display shows and how often")
    doc(app, "automation.update_display", ok={200: DisplayView}, json=DisplayUpdate, errors=(400,),
        tags=["display"],
        summary="Change the display settings")
    cap = app.extensions["xo2_settings"].audit_max
    doc(app, "automation.audit", ok={200: AuditList}, query=audit_query(cap), errors=(400,), tags=["audit"],
        summary="Audit log, newest first")
    doc(app, "automation.gateway_report", ok={204: None}, json=GatewayReport, errors=(400,), tags=["internal"],
        summary="The gateway's audit reports (its service token only; not exposed by nginx)")
    doc(app, "alerts.list_alerts", ok={200: AlertList}, tags=["alerts"],
        summary="Active and recent alerts")
    doc(app, "alerts.ack_alert", ok={200: AlertView}, errors=(404, 409), tags=["alerts"],
        summary="Acknowledge an alert")
    doc(app, "alerts.list_rules", ok={200: RuleList}, tags=["alerts"],
        summary="Alert rules and the channels each kind accepts")
    doc(app, "alerts.create_rule", ok={201: Rule}, json=NewRule, errors=(400, 409), tags=["alerts"],
        summary="Create an alert rule")
    doc(app, "alerts.update_rule", ok={200: Rule}, json=RuleFields, errors=(400, 404), tags=["alerts"],
        summary="Change an alert rule (any subset of its fields)")
    doc(app, "alerts.delete_rule", ok={204: None}, errors=(404,), tags=["alerts"],
        summary="Delete an alert rule (its active alerts resolve)")
    channel = {"channel": {"type": "string", "enum": ["email", "webhook", "telegram"]}}
    doc(app, "notify.status", ok={200: NotifyStatus}, tags=["notifications"],
        summary="Contact points: settings (no secrets), where they come from, last delivery")
    doc(app, "notify.put_channel", ok={200: ChannelStatus}, json=NotifyPut, errors=(400, 409), path=channel,
        tags=["notifications"],
        summary="Set a contact point in the console (applied at once; 409 when set by the environment)")
    doc(app, "notify.delete_channel", ok={204: None}, errors=(400, 409), path=channel, tags=["notifications"],
        summary="Remove a contact point set in the console")
    doc(app, "notify.test", ok={200: NotifyDelivered}, json=NotifyTest, errors=(400, 409, 502),
        tags=["notifications"],
        summary="Send a test notification (502 with the reason when not delivered, within the deadline)")
    doc(app, "report_schedule.get_schedule", ok={200: ReportScheduleView}, tags=["report"],
        summary="The monthly impact report's email schedule")
    doc(app, "report_schedule.put_schedule", ok={200: ReportScheduleView}, json=ReportSchedulePut,
        errors=(400,), tags=["report"],
        summary="Change the monthly report's schedule (day 1-28, HH:MM unit-local, recipients)")
    doc(app, "report_schedule.send_now", ok={200: ReportSent}, json=ReportSend, errors=(400, 409, 502),
        tags=["report"],
        summary="Email one month's report now (409 without a gateway or email; 502 with the reason)")
