"""Run a service's Flask app under gunicorn with ONE gevent worker.

One worker on purpose: it holds the single upstream socket, the caches and the relay
engine; gevent gives it thousands of concurrent browser sockets without more processes.
"""
from __future__ import annotations

import gc
from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from .logsafe import log_path


class _Gunicorn(BaseApplication):
    def __init__(self, factory: Callable[[], Flask], options: dict) -> None:
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        # Built in the worker after fork, so threads and sockets belong to the worker.
        app = self.factory()
        # What exists now (modules, the app, pyarrow/numpy, pydantic...) lives as long as the
        # worker: take it out of the cyclic GC's sight. Otherwise each full collection walks
        # ~100k objects, a 50-75 ms stop of every request and socket a few times a minute
        # under load. bench_live without it (2026-11-29, 2 runs): p99 ratio hello/live 0.59
        # and 0.66 (target 0.8; 0.79-1.02 with it), throughput ratio 0.74 and 0.83.
        gc.freeze()
        return app


class _PrivateLogger(Logger):
    """gunicorn's logger with the request path as service_kit.logsafe allows it (%(U)s has no
    query string already; a one-time download id is in the path itself)."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = log_path(atoms.get("U"))
        return atoms


def _yield_after_request(worker, req, environ, resp) -> None:
    """Let the other connections run before this keep-alive connection's next request.

    gevent's handler loop reads the next request straight away when the client has already
    sent it, so without a yield one connection can be served back to back while the others
    (and the gateway's frame and push greenlets) wait. One switch through the hub per request
    makes it round-robin. bench_live without it (2026-11-29, 5 runs on a loaded 2-core box):
    p99 ratio hello/live 0.69, 0.72, 0.79, 0.80, 1.14 (target 0.8) and p99 itself ~3x (hello
    198 ms vs 66 ms with it, back to back)."""
    import gevent
    gevent.sleep(0)


def serve(factory: Callable[[], Flask], bind: str) -> None:
    _Gunicorn(factory, {
        "bind": bind,
        "workers": 1,
        "worker_class": "gevent",
        "worker_connections": 2000,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        # Path only (%(U)s, no query string) and download ids masked: see service_kit/logsafe.py.
        "access_log_format": '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms',
        "logger_class": _PrivateLogger,
        "errorlog": "-",
        "loglevel": "info",
        "post_request": _yield_after_request,
        # gunicorn's admin control socket is not used, and both services would share its
        # default path (~/.gunicorn/gunicorn.ctl).
        "control_socket_disable": True,
    }).run()
