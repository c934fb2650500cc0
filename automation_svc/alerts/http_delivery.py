"""One HTTP POST for the webhook and Telegram channels, with the guarantees a notification needs:

- the host's addresses are resolved once and each checked (url_rules.address_refusal), and the
  connection goes to a checked address, so a name that resolves to the metadata service (or is
  re-pointed there between the check and the connect) is never reached;
- no redirect is followed (a 3xx is a failure that says so);
- the whole request has one deadline (deadline.Watchdog), not each read;
- failures are sentences naming the host only, never the URL (it may hold a token).
"""
from __future__ import annotations

import base64
import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .deadline import Watchdog
from .url_rules import address_refusal

MAX_ANSWER = 64 * 1024        # a receiver's answer is read this far (Telegram's JSON is ~300 B)


class PostError(Exception):
    """Why the POST failed, in words (safe to show, log and store)."""


@dataclass(frozen=True)
class Answer:
    status: int
    reason: str
    body: bytes


def net_reason(exc: BaseException, where: str, timeout: float) -> str:
    """Words for the network failures SMTP and HTTP share."""
    if isinstance(exc, ConnectionRefusedError):
        return f"connection refused by {where}: nothing is listening there (check the host and port)"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no answer from {where} within {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return f"cannot find {where}: the host name does not resolve"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS failed with {where}: its certificate is not trusted ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed with {where} ({exc.reason or exc})"
    if isinstance(exc, OSError):
        return f"network error with {where}: {exc.strerror or exc}"
    return f"{type(exc).__name__} with {where}"


def checked_addresses(host: str, port: int, where: str) -> list[str]:
    """The addresses `host` resolves to, every one allowed; PostError otherwise."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # IPv4 first: a host with a AAAA record on a plant network without IPv6 still gets through.
    infos.sort(key=lambda info: info[0] != socket.AF_INET)
    addrs = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for a in addrs:
        why = address_refusal(ipaddress.ip_address(a.split("%", 1)[0]))
        if why:
            raise PostError(f"{where} resolves to {why}, which notifications may not reach")
    return addrs


class _Pinned(http.client.HTTPConnection):
    """http.client to a checked address; TLS (when `tls`) verified against the host name."""

    def __init__(self, host: str, port: int, address: str, tls: ssl.SSLContext | None,
                 timeout: float, watchdog: Watchdog) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address, self._tls, self._watchdog = address, tls, watchdog

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self._watchdog.watch(sock)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host) if self._tls else sock


def post(url: str, body: bytes, headers: dict[str, str], *, what: str, deadline_s: float,
         read_timeout_s: float, tls: ssl.SSLContext | None = None) -> Answer:
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    where = f"{what} {host}:{port}"
    headers = dict(headers)
    if parts.username is not None:
        creds = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(creds).decode()
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    watchdog = Watchdog(deadline_s, where)
    try:
        with watchdog:
            addresses = checked_addresses(host, port, where)
            watchdog.check()
            conn = _Pinned(host, port, addresses[0], (tls or ssl.create_default_context()) if https else None,
                           min(read_timeout_s, deadline_s), watchdog)
            try:
                conn.request("POST", target, body=body, headers=headers)
                resp = conn.getresponse()
                answer = Answer(resp.status, resp.reason or "", resp.read(MAX_ANSWER))
            finally:
                conn.close()
    except PostError:
        raise
    except TimeoutError:
        raise PostError(watchdog.reason()) from None
    except (OSError, http.client.HTTPException) as exc:
        if watchdog.fired:
            raise PostError(watchdog.reason()) from None
        if isinstance(exc, http.client.HTTPException):
            raise PostError(f"{where} gave an answer that is not HTTP ({type(exc).__name__})") from None
        raise PostError(net_reason(exc, where, read_timeout_s)) from None
    if 300 <= answer.status < 400:
        raise PostError(f"{what} answered HTTP {answer.status} {answer.reason}: a redirect, which is "
                        "not followed; set the final address".replace("  ", " "))
    return answer
