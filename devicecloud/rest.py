"""REST client for the device cloud (SPEC section 3): timeouts, retries with backoff, clear errors.

Error messages name the operation, never the URL: they may end up in a browser response
and the URL carries the real device id (and, for downloads, AWS credentials).
"""
from __future__ import annotations

import logging
from datetime import date
from typing import Any, Literal

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

from .channels import DISPLAY_IDS, RELAY_IDS
from .links import REDIRECT, link_refusal
from .settings import Settings

log = logging.getLogger(__name__)
# urllib3 logs each retry with the full URL; a report link's query carries AWS credentials.
# Our own messages name the operation instead, so keep urllib3 to errors only.
logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
Period = Literal["hour", "day", "week"]
PERIODS: tuple[str, ...] = ("hour", "day", "week")


class CloudError(Exception):
    """The cloud failed or answered nonsense; `status` is its HTTP status when it sent one."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ReportLinkRefused(CloudError):
    """The cloud's report link is not one the console follows (devicecloud.links): nothing was
    fetched, or a redirect was not followed. `reason` is a fixed text without the link."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"device cloud sent a report link the console does not follow ({reason})")
        self.reason = reason


def _session(retries: int, backoff: float) -> requests.Session:
    # urllib3 retries connection errors and 5xx with exponential backoff; commands set
    # absolute relay states, so retrying a POST is safe.
    # A read timeout is retried at most once: each try can take the whole timeout.
    retry = Retry(total=retries, connect=retries, read=min(retries, 1), status=retries,
                  backoff_factor=backoff, backoff_max=10,
                  status_forcelist=(429, 500, 502, 503, 504), allowed_methods=None,
                  raise_on_status=False, respect_retry_after_header=True)
    s = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_connections=4, pool_maxsize=16)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


def _timed_out(exc: requests.RequestException) -> bool:
    # After retries, requests reports a read timeout as a ConnectionError wrapping it.
    # A refused connection (NewConnectionError) subclasses ConnectTimeoutError: not a timeout.
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(reason, NewConnectionError):
        return False
    return isinstance(exc, requests.Timeout) or isinstance(reason, (ReadTimeoutError, ConnectTimeoutError))


def validate_command(values: dict[str, int]) -> dict[str, int]:
    """Only relays i1..i8 (0/1) and display values i11..i18 (0..9999) may reach the unit."""
    if not values:
        raise ValueError("a command needs at least one output")
    clean: dict[str, int] = {}
    for key, v in values.items():
        if isinstance(v, bool) or not isinstance(v, int):
            raise ValueError(f"{key}: must be an integer")
        if key in RELAY_IDS:
            if v not in (0, 1):
                raise ValueError(f"{key}: a relay takes 0 or 1")
        elif key in DISPLAY_IDS:
            if not 0 <= v <= 9999:
                raise ValueError(f"{key}: a display value must be 0..9999")
        else:
            raise ValueError(f"{key}: not an output the console may set")
        clean[key] = v
    return clean


class CloudClient:
    def __init__(self, settings: Settings, session: requests.Session | None = None) -> None:
        self.base = settings.cloud_rest_url
        self.device_id = settings.device_id
        self.imei = settings.device_imei
        self.meter = settings.device_meter
        self.report_hosts = settings.report_hosts
        self.plain_http_hosts = settings.plain_http_hosts
        self.timeout = (min(5.0, settings.http_timeout_s), settings.http_timeout_s)
        self.session = session or _session(settings.http_retries, settings.http_backoff_s)

    def _url(self, tail: str) -> str:
        return f"{self.base}/device/{self.device_id}/{tail}"

    def _request(self, what: str, method: str, url: str, **kw: Any) -> requests.Response:
        try:
            resp = self.session.request(method, url, timeout=self.timeout, **kw)
        except requests.RequestException as exc:
            if _timed_out(exc):
                raise CloudError(f"device cloud timed out ({what})") from None
            log.warning("cloud %s failed: %s", what, type(exc).__name__)
            raise CloudError(f"device cloud unreachable ({what})") from None
        if resp.status_code >= 400:
            resp.close()
            raise CloudError(f"device cloud returned {resp.status_code} ({what})", resp.status_code)
        return resp

    def _json(self, what: str, method: str, url: str, **kw: Any) -> dict:
        resp = self._request(what, method, url, **kw)
        try:
            body = resp.json()
        except ValueError:
            raise CloudError(f"device cloud sent malformed JSON ({what})", resp.status_code) from None
        if not isinstance(body, dict):
            raise CloudError(f"device cloud sent an unexpected reply ({what})", resp.status_code)
        return body

    def graph(self, period: str) -> dict:
        if period not in PERIODS:
            raise ValueError(f"unknown period {period!r}")
        body = self._json(f"graph/{period}", "GET", self._url(f"graph/{period}"))
        if not isinstance(body.get("data"), list):
            raise CloudError(f"device cloud sent no data list (graph/{period})")
        return body

    def report(self, start: date, end: date) -> dict:
        body = self._json("report", "GET", self._url("report"),
                          params={"startDate": start.isoformat(), "endDate": end.isoformat()})
        if not isinstance(body.get("downloadUrl"), str):
            raise CloudError("device cloud sent no report link (report)")
        return body

    def check_link(self, url: str) -> None:
        """Raise ReportLinkRefused unless the console may follow this report link."""
        reason = link_refusal(url, self.report_hosts, self.base, self.plain_http_hosts)
        if reason is not None:
            raise ReportLinkRefused(reason)

    def download(self, url: str) -> requests.Response:
        """Open the report's pre-signed link as a stream; the caller must close it.
        Only an allowed link is fetched, and a redirect is refused, not followed: its target
        was never checked."""
        self.check_link(url)
        resp = self._request("report download", "GET", url, stream=True, allow_redirects=False)
        if resp.is_redirect or 300 <= resp.status_code < 400:
            resp.close()
            raise ReportLinkRefused(REDIRECT)
        return resp

    def command(self, values: dict[str, int]) -> dict:
        body = {"imei": self.imei, "meter": self.meter, **validate_command(values)}
        return self._json("command", "POST", self._url("command"), json=body)
