"""The report flow: report date ranges, pre-signed-looking download links and S3-style errors."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from ..dates import parse_day
from .generator import DAY_S, IST_OFFSET_S, STEP_S, grid

ACCESS_KEY = "SIMAKIAEXAMPLE"


# What S3 says for the statuses the report_link_status fault can force.
S3_ERRORS: dict[int, tuple[str, str]] = {
    403: ("AccessDenied", "Access Denied"),
    404: ("NoSuchKey", "The specified key does not exist."),
    500: ("InternalError", "We encountered an internal error. Please try again."),
    503: ("SlowDown", "Please reduce your request rate."),
}


class LinkError(Exception):
    """A download refused the way S3 refuses it: status, S3 error code, message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    @classmethod
    def forced(cls, status: int) -> LinkError:
        """The error an injected report_link_status fault answers with."""
        fallback = S3_ERRORS[403] if status < 500 else S3_ERRORS[500]
        return cls(status, *S3_ERRORS.get(status, fallback))


@dataclass(frozen=True)
class ReportJob:
    """What one 'Athena query' selected; the CSV is regenerated from it on download."""

    device_id: str
    start_ts: int
    end_ts: int
    relays: Mapping[str, int]
    seed: int

    def timestamps(self) -> range:
        return grid(self.start_ts, self.end_ts, STEP_S)


def _ist_midnight(day: Any, field: str) -> int:
    parsed = parse_day(day, field)
    utc_midnight = datetime(parsed.year, parsed.month, parsed.day, tzinfo=timezone.utc)
    return int(utc_midnight.timestamp()) - IST_OFFSET_S


def report_range(start_date: Any, end_date: Any, now: float) -> tuple[int, int]:
    """Epoch bounds of IST calendar days start..end (inclusive), clipped to now."""
    if not start_date or not end_date:
        raise ValueError("startDate and endDate are required (YYYY-MM-DD)")
    start_ts = _ist_midnight(start_date, "startDate")
    end_ts = _ist_midnight(end_date, "endDate") + DAY_S - 1
    if end_ts < start_ts:
        raise ValueError("endDate must not be before startDate")
    return start_ts, min(end_ts, int(now))


def s3_error_xml(code: str, message: str) -> str:
    request_id = secrets.token_hex(8).upper()
    host_id = base64.b64encode(secrets.token_bytes(24)).decode()
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId><HostId>{host_id}</HostId></Error>")


class ReportLinks:
    """Issues signed download links for report jobs and checks them on download."""

    def __init__(self, ttl_s: float = 3600.0) -> None:
        self.ttl_s = ttl_s
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._jobs: dict[str, tuple[ReportJob, int]] = {}  # key -> (job, expires)

    def _sign(self, key: str, expires: int) -> str:
        digest = hmac.new(self._secret, f"GET\n{key}\n{expires}".encode(), hashlib.sha1)
        return base64.b64encode(digest.digest()).decode()

    def create(self, job: ReportJob, base_url: str, now: float | None = None) -> str:
        """Store the job and return its pre-signed-looking URL under base_url."""
        key = str(uuid.uuid4())
        expires = int((time.time() if now is None else now) + self.ttl_s)
        with self._lock:
            # Forget links that have expired, so a long-running sim does not grow forever.
            self._jobs = {k: v for k, v in self._jobs.items() if v[1] >= expires - self.ttl_s}
            self._jobs[key] = (job, expires)
        query = urlencode({
            "AWSAccessKeyId": ACCESS_KEY,
            "Signature": self._sign(key, expires),
            "x-amz-security-token": secrets.token_urlsafe(96),
            "Expires": expires,
        })
        return f"{base_url.rstrip('/')}/athena-results/{key}.csv?{query}"

    def open(self, key: str, query: Mapping[str, str], now: float | None = None) -> ReportJob:
        """The job behind a download link, or LinkError in the order S3 checks things."""
        expires = query.get("Expires", "")
        if not expires.isdigit() or not hmac.compare_digest(
                query.get("Signature", ""), self._sign(key, int(expires))):
            raise LinkError(403, "SignatureDoesNotMatch", "The request signature we calculated "
                            "does not match the signature you provided.")
        if (time.time() if now is None else now) > int(expires):
            raise LinkError(403, "AccessDenied", "Request has expired")
        with self._lock:
            entry = self._jobs.get(key)
        if entry is None:
            raise LinkError(403, "AccessDenied", "Access Denied")
        return entry[0]

    def expires_in(self) -> str:
        return "1 hour" if self.ttl_s == 3600 else f"{self.ttl_s:g} seconds"
