"""The simulator as an in-process server (tests) or a foreground one (CLI)."""
from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_app
from .hub import Broadcaster
from .state import SimState

STOP_BUDGET_S = 1.5  # stop() must return well within 2 s
SERVE_POLL_S = 0.1  # serve_forever's shutdown check; werkzeug's default 0.5 s is too slow


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass  # tests hammer the sim; per-request lines would drown their output


class SimServer:
    """Device-cloud simulator on a background thread.

    >>> with SimServer(period=0.1, command_delay=0.2) as sim:
    ...     requests.get(f"{sim.rest_url}/device/{sim.device_id}/graph/hour")
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0,
                 device_id: str = "BTTE1250001", period: float = 10.0,
                 command_delay: float = 2.0, seed: int = 0,
                 faults: Mapping[str, Any] | None = None, report_ttl_s: float = 3600.0,
                 log_requests: bool = False) -> None:
        if period <= 0:
            raise ValueError("period must be positive")
        if command_delay < 0:
            raise ValueError("command_delay must not be negative")
        self.host = host
        self.device_id = device_id
        self.period = period
        self.state = SimState(device_id, seed=seed, command_delay=command_delay,
                              faults=faults, report_ttl_s=report_ttl_s)
        self.app = create_app(self.state)
        handler = WSGIRequestHandler if log_requests else _QuietHandler
        self._server: BaseWSGIServer = make_server(host, port, self.app, threaded=True,
                                                   request_handler=handler)
        self.port: int = self._server.server_port
        self._broadcaster = Broadcaster(self.state, period)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": SERVE_POLL_S},
                                        name="sim-http", daemon=True)
        self._started = False

    @property
    def _public_host(self) -> str:
        # A wildcard bind (docker) is still reached locally through the loopback address.
        return "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host

    @property
    def rest_url(self) -> str:
        return f"http://{self._public_host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self._public_host}:{self.port}/production"

    def start(self) -> SimServer:
        if not self._started:
            self._started = True
            self.state.started_at = time.time()  # graph/hour synthesises the time before this
            self._thread.start()
            self._broadcaster.start()
        return self

    def stop(self) -> None:
        """Close every socket, stop the ticker and the listener; returns in < 2 s."""
        if self.state.stopping.is_set():
            return
        deadline = time.monotonic() + STOP_BUDGET_S
        sockets = self.state.hub.threads()
        self.state.stopping.set()  # wakes the ticker, socket loops and hung REST replies
        if self._started:
            self._server.shutdown()
            self._broadcaster.join(max(0.0, deadline - time.monotonic()))
            for thread in sockets:
                thread.join(max(0.0, deadline - time.monotonic()))
            self._thread.join(max(0.0, deadline - time.monotonic()))
        self._server.server_close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
