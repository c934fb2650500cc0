"""The cloud's report CSV, fetched server-side and streamed, aliased:

- GET /api/report.csv?startDate&endDate (logged in): the CSV in one request (API clients);
- POST /api/report-link?startDate&endDate (logged in) -> {url, filename, expires_in}, then
  GET /api/download/<id> (no login: the id is a one-time secret, see downloads.py): what the
  web page uses, so the browser saves the file to disk as it arrives.

The pre-signed download link never leaves the server. Cloud errors (including a refused or
expired link) surface as 502 JSON before the first byte; a break mid-stream aborts the
download so the browser does not keep a silently truncated file.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from datetime import date

import requests
from flask import Blueprint, Response, jsonify

from devicecloud.webapp import ApiError

from . import gateway, params
from .coop import cooperate
from .downloads import Link
from .replies import require_login
from .upstream import text_lines

log = logging.getLogger(__name__)
bp = require_login(Blueprint("gw_report", __name__, url_prefix="/api"))
public = Blueprint("gw_download", __name__, url_prefix="/api")     # one-time ids instead of login
MAX_REPORT_DAYS = 366
CHUNK_CHARS = 64 * 1024   # one write per ~64 KB, not per CSV line


def _chunks(lines: Iterable[str]) -> Iterator[bytes]:
    buf: list[str] = []
    held = 0
    for line in lines:
        buf.append(line)
        held += len(line)
        if held >= CHUNK_CHARS:
            yield "".join(buf).encode()
            buf, held = [], 0
            cooperate()          # aliasing is pure Python: let other greenlets in
    if buf:
        yield "".join(buf).encode()


def _filename(start: date, end: date) -> str:
    return f"{gateway.current().aliaser.alias}_{start.isoformat()}_{end.isoformat()}.csv"


def _csv_response(upstream: requests.Response, start: date, end: date) -> Response:
    aliaser = gateway.current().aliaser

    def body() -> Iterator[bytes]:
        try:
            yield from _chunks(aliaser.csv_lines(text_lines(upstream)))
        except Exception as exc:
            log.warning("report stream broke off: %s", type(exc).__name__)
            raise
        finally:
            upstream.close()

    resp = Response(body(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{_filename(start, end)}"'
    resp.call_on_close(upstream.close)
    return resp


@bp.get("/report.csv")
def report_csv() -> Response:
    start, end = params.day_range("startDate", "endDate", MAX_REPORT_DAYS)
    return _csv_response(gateway.current().upstream.open_report(start, end), start, end)


@bp.post("/report-link")
def report_link() -> Response:
    gw = gateway.current()
    start, end = params.day_range("startDate", "endDate", MAX_REPORT_DAYS)
    key = gw.downloads.add(Link(start, end, gw.upstream.report_link(start, end)))
    return jsonify(url=f"/api/download/{key}", filename=_filename(start, end),
                   expires_in=int(gw.downloads.ttl_s))


@public.get("/download/<key>")
def download(key: str) -> Response:
    gw = gateway.current()
    link = gw.downloads.take(key)
    if link is None:
        raise ApiError(404, "this download link is used or has expired; start the download again")
    return _csv_response(gw.upstream.open_link(link.cloud_url), link.start, link.end)
