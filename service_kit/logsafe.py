"""What a log line may say about a request: its path, never its query string, and never a
one-time download id (SPEC 11: no log line holds a token, a ticket or a download id).

The browser socket's ticket rides in the query string (/api/ws?ticket=...), and a download
link's id in the path (/api/download/<id>): either would let whoever reads the log use it,
while it is still valid. nginx masks the same two in its own access log (log_format
xo2_private in nginx/templates/default.conf.template).
"""
from __future__ import annotations

DOWNLOAD_PREFIX = "/api/download/"


def log_path(path: str | None) -> str:
    """The request path as logs show it: no query string, download ids masked."""
    path = (path or "").split("?", 1)[0]
    if path.startswith(DOWNLOAD_PREFIX):
        return DOWNLOAD_PREFIX + "-"
    return path
