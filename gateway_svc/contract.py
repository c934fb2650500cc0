"""gateway_svc's HTTP contract (SPEC sections 8 and 10, README's extra routes) as OpenAPI 3.1,
served at GET /api/openapi.json (login required). The WebSocket /api/ws is not HTTP and is
described in SPEC section 8 only.

The query models describe what params.py checks (it stays the validator: its messages name
the parameter); the reply models describe what the routes send.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from flask import Flask
from pydantic import BaseModel, Field

from devicecloud.rest import PERIODS
from service_kit.openapi import Contract, Health, Login, Reply, Token

from .history import MAX_DAYS, SIZES
from .params import MIN_DAY
from .routes_report import EVERY, MAX_REPORT_DAYS

OPENAPI_PATH = "/api/openapi.json"


class Config(Reply):
    deviceId: str
    timezone: str
    siteName: Annotated[str, Field(description="XO2_SITE_NAME, else the alias: the site as people name it")]


class Channel(Reply):
    code: str
    label: str
    unit: str
    group: str
    pair: str | None
    precision: int
    min: Annotated[float | None, Field(description="lowest valid value (SPEC 12); null = open")]
    max: Annotated[float | None, Field(description="highest valid value; null = open")]
    trigger: Annotated[bool, Field(description="whether sensor rules and alert thresholds may watch it")]


class Live(Reply):
    deviceId: str
    ts: int | float | None
    age_s: float | None
    state: Annotated[Literal["live", "late", "offline"], Field(
        description="live while the latest frame arrived at most late_after_s ago; offline from "
                    "offline_after_s, while the cloud socket is down or the unit reports offline")]
    last_frame_at: Annotated[float | None, Field(
        description="epoch s the latest frame arrived (console clock); null if none since start")]
    online: Annotated[bool, Field(description="state == live")]
    stale: Annotated[bool, Field(description="no frame, or older than late_after_s")]
    late_after_s: float
    offline_after_s: float
    frame: dict | None


class Graph(Reply):
    """The cloud's graph reply, aliased, plus `stale` (header X-Cache: hit|miss|stale)."""
    deviceId: str
    stale: bool


class Series(BaseModel):
    min: list[float | None]
    mean: list[float | None]
    max: list[float | None]


class History(Reply):
    deviceId: str
    start: date
    end: date
    bucket_s: Annotated[int, Field(description="the buckets' calendar size in seconds (a day may be 23 or 25 h "
                                               "in a zone with summer time)")]
    t: Annotated[list[int], Field(description="each bucket's start, epoch s: where the unit-local clock shows a "
                                              "multiple of bucket_s (a day: midnight; a week: Monday's midnight, "
                                              "the first bucket at start)")]
    series: dict[str, Series]
    stale: bool


class HistoryQuery(BaseModel):
    start: Annotated[date, Field(description=f"first unit-local day, {MIN_DAY} or later, not in the future")]
    end: Annotated[date, Field(description=f"last day (inclusive); at most {MAX_DAYS} days from start")]
    buckets: Annotated[int, Field(ge=10, le=5000, description=(
        "a hint: the finest calendar size giving at most this many points per series "
        f"(sizes {', '.join(map(str, SIZES))} s); default XO2_HISTORY_BUCKETS"))] | None = None
    bucket_s: Annotated[Literal[SIZES], Field(description=(  # type: ignore[valid-type]
        "the bucket size itself, in seconds (wins over buckets); at most 5000 points"))] | None = None


class ReportQuery(BaseModel):
    startDate: Annotated[date, Field(description=f"first day, {MIN_DAY} or later")]
    endDate: Annotated[date, Field(description=f"last day (inclusive); at most {MAX_REPORT_DAYS} days")]
    every: Annotated[Literal[EVERY], Field(description=(  # type: ignore[valid-type]
        "the people's CSV (SPEC 12): one row per interval of this many seconds with data, 'Time (IST)' "
        "then '<label> (<unit>)' per channel, interval means (relays: share ON, 0-1); without it, every "
        "row as the cloud sent it"))] | None = None


class Backfill(Reply):
    pending: int
    running: bool
    last_error: str | None


class HistoryStatus(Reply):
    days_stored: int
    oldest: date | None
    newest: date | None
    backfill: Backfill
    bytes: int


class ReportLink(Reply):
    url: str
    filename: str
    expires_in: int


class WsTicket(Reply):
    ticket: str
    expires_in: int


def describe(app: Flask) -> Contract:
    """Serve the document at OPENAPI_PATH (routes are documented when it is first asked for)."""
    c = Contract("XtraO2 gateway_svc", "The browser-facing API: login, live frame, graphs, history, "
                 "report CSV. Errors are {error, field?}; a 400 names the bad field. Ids are the alias.")
    c.serve(app, OPENAPI_PATH, _routes)
    return c


def _routes(c: Contract, app: Flask) -> None:
    doc = c.document
    doc(app, "gw_status.health", ok={200: Health}, public=True, tags=["status"],
        summary="Service health (no login: for nginx, docker and monitors)")
    doc(app, "gw_status.metrics", public=True, media="text/plain", tags=["status"],
        summary="Prometheus metrics (no login; nginx does not expose it)")
    doc(app, "gateway_svc_auth.login", ok={200: Token}, json=Login, errors=(400, 401, 429), public=True,
        tags=["login"],
        summary="Log in with the device alias and password: a JWT")
    doc(app, "gw_data.config", ok={200: Config}, tags=["data"],
        summary="The unit's alias, time zone and site name")
    doc(app, "gw_data.channels", ok={200: list[Channel]}, tags=["data"],
        summary="The channel map")
    doc(app, "gw_data.live", ok={200: Live}, tags=["data"],
        summary="The latest frame, aliased, with its age judged by arrival time")
    doc(app, "gw_data.graph", ok={200: Graph}, errors=(400, 502), tags=["data"],
        path={"period": {"type": "string", "enum": list(PERIODS)}},
        summary="The cloud's hour/day/week graph, cached (header X-Cache: hit|miss|stale)")
    doc(app, "gw_data.history", ok={200: History}, query=HistoryQuery, errors=(400, 502, 507), tags=["data"],
        summary="Min/mean/max per calendar-aligned bucket over whole unit-local days (history store)")
    doc(app, "gw_data.history_status", ok={200: HistoryStatus}, tags=["data"],
        summary="The history store: days held, background fetch, bytes")
    doc(app, "gw_report.report_csv", query=ReportQuery, errors=(400, 502, 503, 507), media="text/csv", tags=["report"],
        summary="The report CSV for a range of days, aliased (attachment): raw rows, or with every the people's CSV")
    doc(app, "gw_report.report_link", ok={200: ReportLink}, query=ReportQuery, errors=(400, 502), tags=["report"],
        summary="A one-time download link for the report CSV")
    doc(app, "gw_download.download", errors=(404, 502, 503, 507), public=True, media="text/csv", tags=["report"],
        summary="The report CSV behind a one-time link (the id is the secret)")
    doc(app, "gw_ws.ws_ticket", ok={200: WsTicket}, tags=["live"],
        summary="A one-time ticket for /api/ws?ticket= (valid once, 30 s)")

