"""automation_svc asks the gateway for a month's figures (GET /api/history, the same request the
web's Impact page makes) and its people's CSV (GET /api/report.csv?every=3600, SPEC 12).

It authenticates as the gateway does towards automation (gateway_svc/audit_report.py): a
short-lived token signed with the shared JWT secret, made in the app's context. Failures are
sentences that name the gateway, never a token. Run alone (XO2_GATEWAY_URL unset), nothing is
asked and the report says it needs the gateway.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

import requests

CONNECT_S = 5.0
CHUNK = 64 * 1024
MAX_CSV = 20 * 1024 * 1024     # a month at every=3600 is ~150 KB; anything near this is wrong


class NeedsGateway(Exception):
    """automation runs without a gateway (409)."""


class GatewayError(Exception):
    """The gateway could not give the month's data, in words (502)."""


class GatewayClient:
    def __init__(self, url: str | None, token: Callable[[], str] | None, deadline_s: float = 25.0) -> None:
        self.url = url
        self.token = token
        self.deadline_s = deadline_s
        parts = urlsplit(url or "")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        self.where = f"the gateway {parts.hostname}:{port}" if url else "the gateway"

    @property
    def available(self) -> bool:
        return bool(self.url and self.token)

    def history(self, start: date, end: date, buckets: int) -> dict:
        raw = self._get("/api/history", {"start": start.isoformat(), "end": end.isoformat(),
                                         "buckets": str(buckets)}, "the month's history")
        try:

            doc = json.loads(raw)
        except ValueError:
            raise GatewayError(f"{self.where} sent history that is not JSON") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("t"), list) or not isinstance(doc.get("series"), dict):
            raise GatewayError(f"{self.where} sent history without times or series")
        return doc

    def report_csv(self, start: date, end: date, every: int = 3600) -> str:
        raw = self._get("/api/report.csv", {"startDate": start.isoformat(), "endDate": end.isoformat(),
                                            "every": str(every)}, "the month's CSV")
        return raw.decode("utf-8-sig", "replace")

    def _get(self, path: str, params: dict[str, str], what: str) -> bytes:
        if not self.available:
            raise NeedsGateway("the monthly report needs the gateway (set XO2_GATEWAY_URL); automation "
                               "runs alone here")
        assert self.url and self.token
        end = time.monotonic() + self.deadline_s
        try:
            with requests.get(self.url + path, params=params, stream=True, allow_redirects=False,
                              timeout=(CONNECT_S, self.deadline_s),
                              headers={"Authorization": f"Bearer {self.token()}"}) as resp:
                if resp.status_code != 200:
                    raise GatewayError(f"{self.where} could not give {what}: HTTP {resp.status_code}"
                                       f"{_said(resp)}")
                body = bytearray()
                for chunk in resp.iter_content(CHUNK):
                    body += chunk
                    if len(body) > MAX_CSV:
                        raise GatewayError(f"{self.where} sent more than {MAX_CSV // 2**20} MB for {what}")
                    if time.monotonic() > end:     # a whole-request deadline, not one per read
                        raise GatewayError(f"{self.where} did not send {what} within {self.deadline_s:g} s")
                return bytes(body)
        except requests.Timeout:
            raise GatewayError(f"{self.where} did not send {what} within {self.deadline_s:g} s "
                               "(a month not yet in its history store is fetched from the device cloud "
                               "first; try again in a few minutes)") from None
        except requests.ConnectionError:
            raise GatewayError(f"cannot reach {self.where} for {what}: is it running?") from None
        except requests.RequestException as exc:
            raise GatewayError(f"{self.where} failed for {what} ({type(exc).__name__})") from None


def _said(resp: requests.Response) -> str:
    """The gateway's own error sentence (its errors never hold secrets), when it gave one."""
    try:
        doc = resp.json()
    except ValueError:
        return ""
    error = doc.get("error") if isinstance(doc, dict) else None
    return f" ({str(error)[:200]})" if error else ""
