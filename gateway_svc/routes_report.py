"""GET /api/report.csv: the cloud's report CSV, fetched server-side and streamed, aliased.

The pre-signed download link never leaves the server. Cloud errors (including a refused or
expired link) surface as 502 JSON before the first byte; a break mid-stream aborts the
download so the browser does not keep a silently truncated file.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from flask import Blueprint, Response

from . import gateway, params
from .coop import cooperate
from .replies import require_login
from .upstream import text_lines

log = logging.getLogger(__name__)
bp = require_login(Blueprint("gw_report", __name__, url_prefix="/api"))
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


@bp.get("/report.csv")
def report_csv() -> Response:
    gw = gateway.current()
    start, end = params.day_range("startDate", "endDate", MAX_REPORT_DAYS)
    upstream = gw.upstream.open_report(start, end)

    def body() -> Iterator[bytes]:
        try:
            yield from _chunks(gw.aliaser.csv_lines(text_lines(upstream)))
        except Exception as exc:
            log.warning("report stream broke off: %s", type(exc).__name__)
            raise
        finally:
            upstream.close()

    resp = Response(body(), mimetype="text/csv")
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="{gw.aliaser.alias}_{start.isoformat()}_{end.isoformat()}.csv"')
    resp.call_on_close(upstream.close)
    return resp
