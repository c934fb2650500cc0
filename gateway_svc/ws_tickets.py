"""One-time tickets for the browser socket.

A browser cannot set an Authorization header on a WebSocket, and a JWT in the URL ends up in
access logs, proxies and browser history. So the page asks POST /api/ws-ticket (with its
bearer token) for a random ticket right before it connects to /api/ws?ticket=<ticket>. A
ticket works once, within TICKET_TTL_S, and carries the expiry of the login it was issued
for: the socket is closed when that login expires.
"""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable

from cachetools import TTLCache

TICKET_TTL_S = 30          # the page connects at once; a leaked (logged) ticket is soon worthless
MAX_TICKETS = 4096         # bounds memory whatever is asked for (a ticket is ~100 bytes)


class WsTickets:
    def __init__(self, ttl_s: float = TICKET_TTL_S,
                 timer: Callable[[], float] = time.monotonic) -> None:
        self._tickets: TTLCache[str, float] = TTLCache(MAX_TICKETS, ttl_s, timer=timer)
        self._lock = threading.Lock()
        self.ttl_s = ttl_s

    def issue(self, login_exp: float) -> str:
        """A new ticket for a login that expires at `login_exp` (epoch seconds, the JWT's exp)."""
        ticket = secrets.token_urlsafe(24)
        with self._lock:
            self._tickets[ticket] = login_exp
        return ticket

    def take(self, ticket: str) -> float | None:
        """The login's expiry for ticket, once; None when unknown, used or expired."""
        with self._lock:
            return self._tickets.pop(ticket, None)
