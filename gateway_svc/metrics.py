"""The gateway's metrics: cloud calls, cache outcomes, the upstream socket, browser sockets, frames."""
from __future__ import annotations

from typing import TYPE_CHECKING

from service_kit.metrics import Metric

if TYPE_CHECKING:
    from .gateway import Gateway


def read(gw: "Gateway") -> list[Metric]:
    hub, up = gw.hub, gw.upstream
    caches = {"graph": gw.graph_cache, "history": gw.history_cache}
    age = hub.frame_age_s()
    return [
        Metric.one("xo2_upstream_socket_connected", "gauge", "1 while the cloud socket is up",
                   hub.connected),
        Metric.one("xo2_upstream_connects", "counter", "cloud socket (re)subscriptions",
                   gw.stream.connects if gw.stream else 0),
        Metric.one("xo2_last_frame_age_seconds", "gauge", "age of the latest frame (-1: none)",
                   -1.0 if age is None else age),
        Metric.one("xo2_frames", "counter", "upstream frames fanned out", hub.frames),
        Metric.one("xo2_ws_clients", "gauge", "browser sockets connected", hub.subscribers),
        Metric.one("xo2_ws_dropped", "counter", "messages dropped for slow browsers",
                   hub.dropped_total()),
        Metric.one("xo2_cloud_calls", "counter", "cloud REST calls", up.calls),
        Metric.one("xo2_cloud_errors", "counter", "failed cloud REST calls", up.errors),
        Metric("xo2_cache_requests", "counter", "cache lookups by outcome",
               [({"cache": name, "result": k}, float(cache.counts[k]))
                for name, cache in caches.items() for k in ("hit", "miss", "stale", "error")]),
    ]
