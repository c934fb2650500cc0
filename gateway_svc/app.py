"""The gateway's Flask app factory.

Run it with ONE gevent worker (`gunicorn -k gevent -w 1 gateway_svc.wsgi:app`, or
`python -m gateway_svc`): the process holds the single upstream socket and the caches.
Never use --preload: the upstream socket must be opened in the worker, after gevent's
monkey-patching.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask

from devicecloud.alias import Aliaser
from devicecloud.rest import CloudClient, CloudError
from devicecloud.settings import Settings, load_settings
from devicecloud.stream import CloudStream
from service_kit.auth import add_login, scope_service_tokens
from service_kit.webapp import create_base_app, error_response

from . import contract, routes_data, routes_report, routes_status, routes_ws
from .cache import CloudCache
from .gateway import EXTENSION, Gateway
from .history import HistoryJobs, HistoryStore
from .live import LiveHub
from .audit_report import AuditReport
from .upstream import Upstream

log = logging.getLogger(__name__)
HISTORY_CACHE_SIZE = 16   # ranges; bounds memory whatever ranges are asked for
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    """Timestamped log lines, unless the host (gunicorn, pytest) already set handlers."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format=LOG_FORMAT)


def create_app(settings: Settings | None = None, *, client: CloudClient | None = None,
               start_stream: bool = True, timer: Callable[[], float] = time.monotonic,
               history_jobs: bool | None = None) -> Flask:
    """Build the gateway. Tests pass settings, start_stream=False (no upstream socket) or a
    fake `timer` for the cache; production passes nothing."""
    configure_logging()
    settings = settings or load_settings()
    app = create_base_app("gateway_svc", settings)
    scope_service_tokens(app, "this token is not a login; log in")   # automation's audit-report token
    audit = AuditReport(app, settings)
    add_login(app, settings, "/api/auth", on_result=audit.login)  # refuses weak secrets unless XO2_DEV

    aliaser = Aliaser(settings.device_id, settings.device_alias)
    gw = Gateway(settings=settings, aliaser=aliaser,
                 upstream=Upstream(client or CloudClient(settings), aliaser,
                                   on_link_refused=audit.link_refused),
                 graph_cache=CloudCache(8, timer=timer),
                 history_cache=CloudCache(HISTORY_CACHE_SIZE, timer=timer),
                 hub=LiveHub(aliaser, settings.late_after_s, settings.offline_after_s))
    gw.store = HistoryStore(settings.history_dir, settings.tz, gw.upstream,
                            keep_days=settings.history_keep_days, gap_s=settings.frame_stale_s,
                            child_timeout_s=settings.history_child_timeout_s)
    app.extensions[EXTENSION] = gw

    @app.errorhandler(CloudError)
    def _cloud_error(err: CloudError):
        # Nothing cached to fall back on; the message names the operation, never a URL.
        resp, status = error_response(502, str(err))
        resp.headers["X-Cache"] = "miss"
        return resp, status

    for bp in (routes_status.bp, routes_data.bp, routes_report.bp, routes_report.public):
        app.register_blueprint(bp)
    routes_ws.register(app)
    contract.describe(app)          # GET /api/openapi.json, once every route is in

    if start_stream:
        gw.stream = CloudStream(settings, gw.on_frame, gw.hub.on_status).start()
        # Browsers hear live -> late -> offline as it happens, not only at the next frame.
        threading.Thread(target=gw.hub.watch, args=(threading.Event(),), name="live-state",
                         daemon=True).start()
    if start_stream if history_jobs is None else history_jobs:     # backfill + daily job
        app.extensions["xo2_history_jobs"] = HistoryJobs(gw.store, settings.history_backfill_days).start()
    log.info("gateway ready: device shown as %s, upstream socket %s",
             settings.device_alias, "starting" if start_stream else "off")
    return app

