"""The process-wide gateway: one cloud client, the caches, one live hub, one upstream socket.

Routes are thin; what they do with the cloud lives here, once. `current()` returns the
instance the running app was built with.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from devicecloud.alias import Aliaser
from devicecloud.frames import frame_ts
from devicecloud.rest import PERIODS, CloudError
from devicecloud.settings import Settings
from devicecloud.stream import CloudStream

from .cache import Cached, CloudCache
from .downloads import DownloadLinks
from .history import HistoryStore, Window
from .live import LiveHub
from .upstream import Upstream

EXTENSION = "xo2_gateway"
HISTORY_PAST_TTL_S = 86_400.0
HISTORY_PENDING_TTL_S = 10.0
HEALTH_PROBE_S = 3.0          # after a failed cloud call, health re-checks the cloud at most this often
log = logging.getLogger(__name__)


@dataclass
class Gateway:
    settings: Settings
    aliaser: Aliaser
    upstream: Upstream
    graph_cache: CloudCache       # 3 keys (hour, day, week)
    history_cache: CloudCache     # one entry per range; kept few, a 5000-bucket one is ~8 MB
    hub: LiveHub
    stream: CloudStream | None = None
    store: HistoryStore = field(init=False, repr=False)      # set by create_app: it needs upstream
    downloads: DownloadLinks = field(default_factory=DownloadLinks)
    _probe_at: float = field(default=0.0, repr=False)
    _probing: bool = field(default=False, repr=False)

    # -- graph ---------------------------------------------------------------------------------
    def graph_ttl(self, period: str) -> float:
        return getattr(self.settings, f"cache_ttl_{period}_s")

    def graph(self, period: str) -> Cached:
        """graph/<period>, aliased, through the cache (raises CloudError with nothing cached)."""
        if period not in PERIODS:
            raise ValueError("unknown period")
        return self.graph_cache.get(("graph", period), self.graph_ttl(period),
                                    lambda: self.upstream.graph(period))

    # -- live ----------------------------------------------------------------------------------
    def on_frame(self, raw: dict) -> None:
        """A cloud socket frame: to every browser, and into today's history."""
        self.hub.on_frame(raw)
        self.store.on_frame(raw)

    def bootstrap_live(self) -> None:
        """No socket frame yet: seed /api/live with the newest frame of graph/hour."""
        if self.hub.has_frame:
            return
        try:
            frames = self.graph("hour").value.get("data") or []
        except CloudError:
            return                        # /api/live then says stale, with no frame
        frames = [f for f in frames if isinstance(f, dict) and frame_ts(f) is not None]
        if frames:
            self.hub.bootstrap(max(frames, key=frame_ts))

    # -- history -------------------------------------------------------------------------------
    def today(self) -> date:
        """The unit-local date: the store's clock, the one source of "today" (history/calendar.py)."""
        return self.store.today_date()

    def history(self, start: date, end: date, buckets: int, bucket_s: int | None = None) -> Cached:
        """Calendar-aligned buckets: of bucket_s, or the finest size giving at most `buckets`."""
        window = Window.for_days(start, end, self.settings.tz, buckets, bucket_s)
        today = self.today()
        # A range reaching today grows every 10 s: as fresh as the day graph. Days wholly in
        # the past never change: kept a day (the cache's size bounds memory, not the TTL).
        ttl = self.settings.cache_ttl_day_s if end >= today else HISTORY_PAST_TTL_S
        return self.history_cache.get(
            ("history", start, end, window.bucket_s),
            # days still being fetched in the background: look again soon
            lambda v: min(ttl, HISTORY_PENDING_TTL_S) if v.get("days_pending") or v.get("today_pending") else ttl,
            lambda: self._load_history(window))

    def _load_history(self, window: Window) -> dict:
        return {"deviceId": self.aliaser.alias, "start": window.start.isoformat(),
                "end": window.end.isoformat(), **self.store.history(window)}

    # -- health --------------------------------------------------------------------------------
    def health(self) -> dict:
        status = self.hub.upstream_status()
        up = {k: status[k] for k in ("socket_connected", "last_frame_age_s")}
        age = up["last_frame_age_s"]
        frame_ok = age is not None and age <= self.settings.frame_stale_s
        last_error = self.upstream.last_error
        store_error = self.store.error      # e.g. disk full: past days cannot be kept
        degraded = not up["socket_connected"] or not frame_ok or last_error is not None or store_error is not None
        if last_error is not None:
            self._probe_soon()
        return {"status": "degraded" if degraded else "ok",
                "upstream": {**up, "last_cloud_error": last_error},
                "history": {"ok": store_error is None, "error": store_error}}

    def _probe_soon(self) -> None:
        """Only a successful cloud call clears a failed one. When no page is asking the cloud
        for anything, health re-checks it in the background (at most every HEALTH_PROBE_S, and
        not right after a failure) so it recovers by itself once the cloud is back."""
        now = time.monotonic()
        failed_at = self.upstream.last_error_at or 0.0
        if self._probing or now - self._probe_at < HEALTH_PROBE_S or time.time() - failed_at < HEALTH_PROBE_S:
            return
        self._probing, self._probe_at = True, now
        threading.Thread(target=self._probe, name="cloud-probe", daemon=True).start()

    def _probe(self) -> None:
        try:
            self.upstream.graph("hour")       # records its own success or failure
        except CloudError:
            pass
        except Exception:
            log.exception("cloud health probe (graph/hour) failed")
        finally:
            self._probing = False


def current() -> Gateway:
    return current_app.extensions[EXTENSION]
