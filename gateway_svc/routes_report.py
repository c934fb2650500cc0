"""The report CSV, streamed, aliased, formula-safe:

- GET /api/report.csv?startDate&endDate[&every] (logged in): the CSV in one request (API
  clients, automation's monthly report with its service token);
- POST /api/report-link?startDate&endDate[&every] (logged in) -> {url, filename, expires_in}, then
  GET /api/download/<id> (no login: the id is a one-time secret, see downloads.py): what the
  web page uses, so the browser saves the file to disk as it arrives.

With `every` (60, 300, 900, 3600 s) it is the people's CSV (SPEC 12, history/people_csv.py):
interval means computed exactly as /api/history's buckets (the store: stored days from disk,
today from the socket's frames). Without it, the raw rows:
days the history store holds are served from disk, byte for byte as the cloud sent them;
the cloud is asked only for the others (one report per run of days, today included).
The pre-signed download link never leaves the server. Cloud errors (including a refused or
expired link) surface as 502 JSON before the first byte; a break mid-stream aborts the
download so the browser does not keep a silently truncated file.
"""
from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Iterator
from datetime import date

import requests
import urllib3
from flask import Blueprint, Response, current_app, jsonify

from devicecloud.chunks import byte_chunks
from service_kit.coop import cooperate
from service_kit.webapp import ApiError

from . import gateway, params
from .auth import require_login
from .downloads import Link, Piece
from .history import StoreError, people_csv
from .history.people_csv import EVERY
from .relay_names import RelayNames
from .upstream import text_lines

log = logging.getLogger(__name__)
bp = require_login(Blueprint("gw_report", __name__, url_prefix="/api"))
public = Blueprint("gw_download", __name__, url_prefix="/api")     # one-time ids instead of login
MAX_REPORT_DAYS = 366
RELAY_NAMES = "xo2_relay_names"
EVERY_NAMES = {60: "1min", 300: "5min", 900: "15min", 3600: "hourly"}


def _filename(start: date, end: date, every: int | None = None) -> str:
    tail = f"_{EVERY_NAMES[every]}" if every else ""
    return f"{gateway.current().aliaser.alias}_{start.isoformat()}_{end.isoformat()}{tail}.csv"


def _relay_names() -> dict[str, str]:
    names: RelayNames = current_app.extensions.get(RELAY_NAMES) or current_app.extensions.setdefault(
        RELAY_NAMES, RelayNames(current_app._get_current_object(), gateway.current().settings.automation_url))
    return names.get()


def _pieces(start: date, end: date) -> tuple[Piece, ...]:
    """The range as stored days and cloud runs; each cloud run's report is asked for now, so
    a cloud error is a 502 before the first byte (and days the store holds need no cloud)."""
    gw = gateway.current()
    return tuple(Piece(first, last) if kind == "store" else
                 Piece(first, last, gw.upstream.report_link(first, last))
                 for kind, first, last in gw.store.csv_plan(start, end))


def _piece_lines(gw: gateway.Gateway, piece: Piece, closing: list[requests.Response]) -> Iterator[str]:
    """One piece's CSV lines, header included: a stored day exactly as the cloud sent it."""
    if piece.url is None:
        data = gw.store.days.csv(piece.first)
        if data is not None:
            return iter(io.StringIO(data.decode("utf-8-sig"), newline=""))
        upstream = gw.upstream.open_report(piece.first, piece.last)  # damaged since: the cloud's copy
    else:
        upstream = gw.upstream.open_link(piece.url)
    closing.append(upstream)
    return text_lines(upstream)


def _joined(gw: gateway.Gateway, pieces: tuple[Piece, ...], closing: list[requests.Response]
            ) -> Iterator[str]:
    """The pieces' lines as one CSV: the first piece's header, every piece's rows (streamed
    after the view returned: no app context, hence gw passed in)."""
    for n, piece in enumerate(pieces):
        lines = _piece_lines(gw, piece, closing)
        if n:
            next(lines, None)
        yield from lines


def _raw_lines(pieces: tuple[Piece, ...]) -> tuple[Iterator[str], list[requests.Response]]:
    """The raw report's lines: the cloud's rows (stored days from disk), aliased."""
    gw = gateway.current()
    closing: list[requests.Response] = []
    lines = _joined(gw, pieces, closing)
    try:
        first = next(lines, None)    # opens the first piece now: its errors are JSON, not a cut file
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        # The link answered, then sent nothing in time (or broke off): a 502 in words, not a 500.
        for resp in closing:
            resp.close()
        log.warning("report stream failed before its first line (%s)", type(exc).__name__)
        raise ApiError(502, "the cloud's report stopped before sending any data; try again") from None
    if first is None:
        return iter(()), closing
    # the same rewrite (alias, formula escaping) for stored days and the cloud's
    return gw.aliaser.csv_lines(itertools.chain([first], lines)), closing


def _people_lines(start: date, end: date, every: int) -> Iterator[str]:
    """The people's CSV's lines; its first chunk of days is computed now (errors are JSON)."""
    gw = gateway.current()
    names = gw.aliaser.to_alias(_relay_names())
    lines = people_csv.lines(gw.store.bucket_stats, start, end, every, gw.settings.tz, names)
    try:
        first = next(lines)
    except people_csv.Incomplete as err:
        raise ApiError(503, str(err)) from None
    return itertools.chain([first], lines)


def _csv_response(link: Link) -> Response:
    if link.every:
        lines, closing = _people_lines(link.start, link.end, link.every), []
    else:
        lines, closing = _raw_lines(link.pieces)

    def close() -> None:
        for resp in closing:
            resp.close()

    def body() -> Iterator[bytes]:
        try:
            # pure Python: let other greenlets in between chunks
            yield from byte_chunks(lines, between=cooperate)
        except Exception as exc:
            log.warning("report stream broke off: %s", type(exc).__name__)
            raise
        finally:
            close()

    resp = Response(body(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = f'attachment; filename="{_filename(link.start, link.end, link.every)}"'
    resp.call_on_close(close)
    return resp


def _link() -> Link:
    """The asked range and form; the raw form's cloud reports are asked for now."""
    start, end = params.day_range("startDate", "endDate", MAX_REPORT_DAYS)
    every = params.every("every", EVERY)
    return Link(start, end, () if every else _pieces(start, end), every)


@bp.errorhandler(StoreError)
def _store_error(err: StoreError) -> tuple[Response, int]:
    """The people's CSV could not spool a day it fetched (disk full): 507, as /api/history."""
    return jsonify(error=str(err)), 507


@bp.get("/report.csv")
def report_csv() -> Response:
    return _csv_response(_link())


@bp.post("/report-link")
def report_link() -> Response:
    gw = gateway.current()
    link = _link()
    key = gw.downloads.add(link)
    return jsonify(url=f"/api/download/{key}", filename=_filename(link.start, link.end, link.every),
                   expires_in=int(gw.downloads.ttl_s))


@public.get("/download/<key>")
def download(key: str) -> Response:
    gw = gateway.current()
    link = gw.downloads.take(key)
    if link is None:
        raise ApiError(404, "this download link is used or has expired; start the download again")
    return _csv_response(link)
