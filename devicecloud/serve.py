"""Run a service's Flask app under gunicorn with ONE gevent worker.

One worker on purpose: it holds the single upstream socket, the caches and the relay
engine; gevent gives it thousands of concurrent browser sockets without more processes.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication


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
        return self.factory()


def serve(factory: Callable[[], Flask], bind: str) -> None:
    _Gunicorn(factory, {
        "bind": bind,
        "workers": 1,
        "worker_class": "gevent",
        "worker_connections": 2000,
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": "-",
        # Path without the query string: browser sockets carry their JWT as ?token=.
        "access_log_format": '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms',
        "errorlog": "-",
        "loglevel": "info",
    }).run()
