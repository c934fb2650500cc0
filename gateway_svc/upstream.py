"""The gateway's REST side of the device cloud: one CloudClient, aliasing of what comes back,
and the outcome of the last call (for /api/health and metrics).

Errors are devicecloud.rest.CloudError, whose messages never carry a URL; the app turns
them into 502 JSON. The report's pre-signed S3 link stays inside this module, and is opened
only when devicecloud.links allows it; a refused link is also reported (`on_link_refused`,
the audit log).
"""
from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, TypeVar

import requests

from devicecloud.alias import Aliaser
from devicecloud.rest import CloudClient, CloudError, ReportLinkRefused

T = TypeVar("T")
log = logging.getLogger(__name__)
DOWNLOAD_CHUNK = 1 << 20


class Upstream:
    def __init__(self, client: CloudClient, aliaser: Aliaser,
                 on_link_refused: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.aliaser = aliaser
        self.on_link_refused = on_link_refused
        self.last_error: str | None = None
        self.last_error_at: float | None = None
        self.calls = 0
        self.errors = 0
        self._lock = threading.Lock()

    def _track(self, call: Callable[[], T]) -> T:
        try:
            result = call()
        except CloudError as exc:
            self.record(str(exc))
            raise
        self.record(None)
        return result

    def record(self, error: str | None) -> None:
        with self._lock:
            self.calls += 1
            if error is not None:
                self.errors += 1
                self.last_error_at = time.time()
            self.last_error = error

    def graph(self, period: str) -> dict:
        """graph/<period> in the cloud's shape, aliased."""
        return self.aliaser.to_alias(self._track(lambda: self.client.graph(period)))

    def _refused(self, exc: ReportLinkRefused) -> None:
        log.warning("report link refused: %s", exc.reason)      # the reason, never the link
        if self.on_link_refused is not None:
            self.on_link_refused(exc.reason)

    def _checked(self, url: str) -> str:
        try:
            self.client.check_link(url)
        except ReportLinkRefused as exc:
            self._refused(exc)
            raise
        return url

    def _open_link(self, url: str) -> requests.Response:
        try:
            return self.client.download(url)
        except ReportLinkRefused as exc:
            self._refused(exc)
            raise
        except CloudError as exc:
            if exc.status in (401, 403):
                raise CloudError("the report's download link was refused or has expired; "
                                 "try again", exc.status) from None
            raise

    def _open_report(self, start: date, end: date) -> requests.Response:
        return self._open_link(self.client.report(start, end)["downloadUrl"])

    def report_link(self, start: date, end: date) -> str:
        """Ask for the report; its pre-signed link (keep it server-side), checked now so a
        refused link is an error the page can show before any download starts."""
        return self._track(lambda: self._checked(self.client.report(start, end)["downloadUrl"]))

    def open_link(self, url: str) -> requests.Response:
        """Open a report link from report_link() as a stream (the caller closes it)."""
        return self._track(lambda: self._open_link(url))

    def open_report(self, start: date, end: date) -> requests.Response:
        """Ask for the report and open its CSV as a stream (the caller closes it)."""
        return self._track(lambda: self._open_report(start, end))

    def download_report(self, start: date, end: date, dest: IO[bytes]) -> int | None:
        """Copy the report CSV for start..end into dest; returns the report's recordCount
        (None when the cloud sent none), which the history store checks the rows against."""
        def copy() -> int | None:
            info = self.client.report(start, end)
            resp = self._open_link(info["downloadUrl"])
            count = info.get("recordCount")
            try:
                for chunk in resp.iter_content(DOWNLOAD_CHUNK):
                    dest.write(chunk)
            except requests.RequestException as exc:
                raise CloudError(f"report download broke off ({type(exc).__name__})") from None
            finally:
                resp.close()
            whole = isinstance(count, (int, float)) and not isinstance(count, bool) and count == int(count)
            return int(count) if whole and count >= 0 else None
        return self._track(copy)


def text_lines(resp: requests.Response) -> Iterator[str]:
    """The lines of a streamed text response, line endings kept (the csv module wants them)."""
    resp.raw.decode_content = True          # undo gzip if the store sent it
    resp.raw.auto_close = False             # else TextIOWrapper trips over the EOF close
    yield from io.TextIOWrapper(resp.raw, encoding="utf-8-sig", newline="")
