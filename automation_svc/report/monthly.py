"""One month's impact report as an email Message: figures from the gateway's /api/history (the
Impact page's request), the HTML and text bodies, the people's CSV attached."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from devicecloud.settings import Settings

from ..aqi import Standard
from ..alerts.messages import Attachment, Message
from . import render
from .figures import BUCKETS_PER_DAY, MonthFigures, month_figures, month_range
from .gateway_client import GatewayClient

EVENT = "report.monthly"
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


def parse_month(v: object, today: date) -> str:
    """A "YYYY-MM" that has begun, or ValueError with a sentence."""
    if not isinstance(v, str) or not _MONTH.fullmatch(v) or int(v[:4]) < 2000:
        raise ValueError("month: use YYYY-MM, e.g. 2026-11")
    if date(int(v[:4]), int(v[5:]), 1) > today:
        raise ValueError("month: that month has not begun yet; choose a past or the current month")
    return v


def previous_month(d: date) -> str:
    return f"{d.year - 1}-12" if d.month == 1 else f"{d.year}-{d.month - 1:02d}"


class MonthlyReport:
    def __init__(self, settings: Settings, gateway: GatewayClient, relay_names: Callable[[], dict[str, str]],
                 standard: Callable[[], Standard]) -> None:
        self.settings = settings
        self.gateway = gateway
        self.relay_names = relay_names
        self.standard = standard

    def figures(self, month: str, now_s: float) -> MonthFigures:
        """Raises NeedsGateway, GatewayError."""
        tz = self.settings.tz
        start, end = month_range(month, datetime.fromtimestamp(now_s, tz).date())
        history = self.gateway.history(start, end, ((end - start).days + 1) * BUCKETS_PER_DAY)
        return month_figures(history, site=self.settings.site, month=month, start=start, end=end, now_s=now_s,
                             tz=tz, relay_names=self.relay_names(), standard=self.standard(),
                             size=self.settings.pm_size)

    def message(self, figures: MonthFigures, to: list[str]) -> Message:
        """The email; fetches the month's CSV (raises GatewayError)."""
        csv = self.gateway.report_csv(figures.start, figures.end, every=3600)
        link = self.settings.public_url + "/impact"
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", figures.site).strip("-") or "site"
        return Message(EVENT, render.subject(figures), render.text(figures, link), None,
                       html=render.html(figures, link), to=tuple(to),
                       attachments=(Attachment(f"{slug}-{figures.month}.csv", "text/csv", csv),))
