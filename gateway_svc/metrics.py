"""Prometheus text exposition of the gateway's own counters (no client library needed for
a handful of gauges and counters read straight from the live objects)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .gateway import Gateway


def _metric(out: list[str], name: str, kind: str, help_: str,
            samples: list[tuple[dict[str, str], float]]) -> None:
    out.append(f"# HELP {name} {help_}")
    out.append(f"# TYPE {name} {kind}")
    for labels, value in samples:
        tag = ",".join(f'{k}="{v}"' for k, v in labels.items())
        out.append(f"{name}{{{tag}}} {value:g}" if tag else f"{name} {value:g}")


def render(gw: "Gateway") -> str:
    hub, up = gw.hub, gw.upstream
    caches = {"graph": gw.graph_cache, "history": gw.history_cache}
    age = hub.frame_age_s()
    out: list[str] = []
    _metric(out, "xo2_upstream_socket_connected", "gauge", "1 while the cloud socket is up",
            [({}, float(hub.connected))])
    _metric(out, "xo2_upstream_connects_total", "counter", "cloud socket (re)subscriptions",
            [({}, float(gw.stream.connects if gw.stream else 0))])
    _metric(out, "xo2_last_frame_age_seconds", "gauge", "age of the latest frame (-1: none)",
            [({}, -1.0 if age is None else age)])
    _metric(out, "xo2_frames_total", "counter", "upstream frames fanned out", [({}, hub.frames)])
    _metric(out, "xo2_ws_clients", "gauge", "browser sockets connected", [({}, hub.subscribers)])
    _metric(out, "xo2_ws_dropped_total", "counter", "messages dropped for slow browsers",
            [({}, hub.dropped_total())])
    _metric(out, "xo2_cloud_calls_total", "counter", "cloud REST calls", [({}, up.calls)])
    _metric(out, "xo2_cloud_errors_total", "counter", "failed cloud REST calls", [({}, up.errors)])
    _metric(out, "xo2_cache_requests_total", "counter", "cache lookups by outcome",
            [({"cache": name, "result": k}, float(cache.counts[k]))
             for name, cache in caches.items() for k in ("hit", "miss", "stale", "error")])
    return "\n".join(out) + "\n"
