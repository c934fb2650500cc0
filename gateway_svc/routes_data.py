"""GET /api/config, /api/channels, /api/live, /api/graph/<period>, /api/history,
/api/history/status (all need login)."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

from devicecloud.channels import channel_map
from devicecloud.rest import PERIODS
from service_kit.webapp import ApiError

from . import gateway, params
from .auth import require_login
from .history import MAX_DAYS, StoreError
from .replies import cached_reply

MAX_BUCKETS = 5000
bp = require_login(Blueprint("gw_data", __name__, url_prefix="/api"))


@bp.get("/config")
def config() -> Response:
    """What a page needs to show the unit's data as the unit sees it: its local time zone
    (for "today", date ranges and chart times), the alias, and the site's name for people
    (XO2_SITE_NAME, else the alias)."""
    gw = gateway.current()
    return jsonify(deviceId=gw.aliaser.alias, timezone=gw.settings.timezone, siteName=gw.settings.site)


@bp.get("/channels")
def channels() -> Response:
    return jsonify(channel_map())


@bp.get("/live")
def live() -> Response:
    gw = gateway.current()
    gw.bootstrap_live()
    return Response(gw.hub.live_json(), mimetype="application/json")


@bp.get("/graph/<period>")
def graph(period: str) -> Response:
    if period not in PERIODS:
        raise ApiError(400, f"unknown period; use one of: {', '.join(PERIODS)}", "period")
    return cached_reply(gateway.current().graph(period))


@bp.get("/history")
def history() -> Response:
    gw = gateway.current()
    start, end = params.day_range("start", "end", MAX_DAYS)
    if start > gw.today():
        raise ApiError(400, "start is in the future", "start")
    buckets = params.bounded_int("buckets", gw.settings.history_buckets, 10, MAX_BUCKETS)
    bucket_s = params.bucket_size("bucket_s", start, end, MAX_BUCKETS)
    return cached_reply(gw.history(start, end, buckets, bucket_s))


@bp.errorhandler(StoreError)
def _store_error(err: StoreError) -> tuple[Response, int]:
    """The store could not even spool a download (disk full): say so, 507 Insufficient Storage."""
    return jsonify(error=str(err)), 507


@bp.get("/history/status")
def history_status() -> Response:
    """The history store: days held, the background fetch, bytes on disk, a write error."""
    return jsonify(gateway.current().store.status())
