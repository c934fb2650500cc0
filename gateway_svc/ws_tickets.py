"""One-time tickets for the browser socket.

A browser cannot set an Authorization header on a WebSocket, and a JWT in the URL ends up in
access logs, proxies and browser history. So the page asks POST /api/ws-ticket (with its
bearer token) for a random ticket right before it connects to /api/ws?ticket=<ticket>. A
ticket works once, within TICKET_TTL_S, and carries the expiry of the login it was issued
for: the socket is closed when that login expires.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from .one_time import OneTimeIds

TICKET_TTL_S = 30          # the page connects at once; a leaked (logged) ticket is soon worthless
MAX_TICKETS = 4096         # bounds memory whatever is asked for (a ticket is ~100 bytes)


class WsTickets(OneTimeIds[float]):
    """Ticket -> the expiry (epoch s, the JWT's exp) of the login it was issued for."""

    def __init__(self, ttl_s: float = TICKET_TTL_S,
                 timer: Callable[[], float] = time.monotonic) -> None:
        super().__init__(MAX_TICKETS, ttl_s, timer)

    def issue(self, login_exp: float) -> str:
        """A new ticket for a login that expires at `login_exp`."""
        return self.add(login_exp)
