"""gateway_svc: the browser-facing API in front of the device cloud (SPEC sections 2 and 8).

Login, cached and aliased cloud REST (graph, report CSV, month history), and ONE upstream
WebSocket fanned out to every browser socket.

- app.py            create_app(): settings, login, blueprints, the upstream socket
- gateway.py        Gateway: what the routes do with the cloud (graph, live bootstrap, history, health)
- cache.py          CloudCache: per-entry TTL (cachetools), single-flight, stale fallback
- upstream.py       Upstream: the REST client, aliasing, last cloud error; report download
- live.py           LiveHub: latest frame, fan-out to bounded per-browser queues
- history/          the history store (SPEC 10): past days on disk, today from socket frames,
                    min/mean/max buckets, background jobs (one module per concept: see its __init__)
- audit_report.py   logins and refused report links reported to automation_svc's audit log
- downloads.py      one-time links for the report CSV (the browser streams it to disk)
- ws_tickets.py     one-time tickets for the browser socket (no JWT in a URL)
- one_time.py       the one-time id store both are made of
- auth.py           require_login: every route of a blueprint needs the admin JWT
- replies.py        cached values as JSON replies (X-Cache, stale)
- params.py         query validation -> 400 JSON
- contract.py       the routes as OpenAPI 3.1, served at /api/openapi.json (login required)
- routes_*.py       blueprints; metrics.py Prometheus text; wsgi.py / __main__.py entry points
"""
import os

# Arrow allocates with glibc here (read once, before pyarrow is first imported), not its
# bundled mimalloc: the history store's background day (~5 MB of data) touched ~20 MB of
# mimalloc pages each time even after release_unused(), so a 31-day backfill peaked at
# 146 MB in the gateway worker (start 109) and 132 MB with glibc, which malloc_trim empties
# after each day (history/memory.py). A cold month's parse is as fast either way
# (~0.3-0.5 s warm) and leaves 15 MB behind instead of 25-33. Set it to override.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
