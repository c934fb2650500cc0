"""Which addresses the console may reach (SPEC section 11): the one check for the cloud's report
links, and the loopback rule the cloud URLs share.

A report link comes from the cloud and is data, not an instruction: without this check the
gateway would fetch whatever it names (a cloud metadata address, an internal service) and stream
it back as "CSV". A link is followed only when
- it is https, or plain http to a loopback address (a local simulator) or an XO2_PLAIN_HTTP_HOSTS
  name (the compose simulator), and
- its host matches an XO2_REPORT_HOSTS pattern, or it has the very origin of XO2_CLOUD_REST_URL
  (the simulator serves its reports itself; the console talks to that origin anyway).
Redirects are never followed (rest.py). No DNS is consulted: a name is judged by the
allow-list. A pattern matches host names only, never an address in any spelling (hosts.py knows
them all: `*` let 2852039166, 127.1 and 0x7f.1 through before issue 21); an address is allowed
only written canonically and listed exactly (127.0.0.1 for the simulator), and a pattern that is
an address written another way is refused at start.

Reasons never quote the link: it carries the real device id and AWS credentials.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

from .hosts import address_of, canonical_address, is_address

DEFAULT_REPORT_HOSTS = ("*.s3.amazonaws.com", "*.s3.*.amazonaws.com")
# Reasons a link is refused: fixed texts, safe for the browser and the audit log.
NOT_A_LINK = "not a valid https link"
NOT_HTTPS = "not https"
HOST_NOT_ALLOWED = "host not in XO2_REPORT_HOSTS"
REDIRECT = "a redirect"
REFUSALS = (NOT_A_LINK, NOT_HTTPS, HOST_NOT_ALLOWED, REDIRECT)
_PATTERN = re.compile(r"^[a-z0-9*](?:[a-z0-9*.-]*[a-z0-9*])?$|^[0-9a-f:.]+$|^\[[0-9a-f:]+\]$")


def host_of(parts: SplitResult) -> str:
    """The host in lower case, without brackets or a trailing dot ('' when there is none)."""
    return (parts.hostname or "").rstrip(".")


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: this machine, where only a local simulator may speak http."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    addr = address_of(host)
    return addr is not None and str(addr) == host and addr.is_loopback    # written canonically


def parse_patterns(value: str | Iterable[str]) -> tuple[str, ...]:
    """Comma-separated host patterns (`*` stands for one or more name parts), lower-cased;
    ValueError names a pattern that is not a host name, an address or a glob of them."""
    items = value.split(",") if isinstance(value, str) else list(value)
    patterns = tuple(p.strip().lower().rstrip(".") for p in items if p.strip())
    out = []
    for p in patterns:
        if not _PATTERN.match(p):
            raise ValueError(f"{p!r} is not a host name pattern such as *.s3.amazonaws.com")
        if is_address(p):
            canonical = canonical_address(p)
            if "*" in p or canonical is None:
                raise ValueError(f"{p!r}: a pattern matches host names only; list an address exactly")
            if canonical != p.strip("[]"):
                raise ValueError(f"{p!r} is the address {canonical} written another way: list it as {canonical}")
            p = canonical
        out.append(p)
    return tuple(out)


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile("".join("[a-z0-9_.-]+" if part == "*" else re.escape(part)
                              for part in re.split(r"(\*)", pattern)) + r"\Z")


def host_allowed(host: str, patterns: Iterable[str]) -> bool:
    """A name matches a pattern; an address (in any spelling) only itself, written canonically
    (no trailing dot, no zone, no other form) and listed exactly."""
    host = host.strip("[]").lower()
    if is_address(host):
        return host == canonical_address(host) and any(p.strip("[]") == host for p in patterns)
    host = host.rstrip(".")
    return any(_glob(p).match(host) for p in patterns if not is_address(p))


def _origin(parts: SplitResult) -> tuple[str, str, int | None]:
    scheme = parts.scheme.lower()
    return scheme, host_of(parts), parts.port or {"http": 80, "https": 443}.get(scheme)


def link_refusal(url: str, patterns: Iterable[str], cloud_url: str | None = None,
                 plain_http_hosts: Iterable[str] = ()) -> str | None:
    """Why the console will not follow this report link (one of the fixed reasons above), or
    None when it may."""
    try:
        parts = urlsplit(url)
        origin = _origin(parts)           # .port raises on a bad port
    except (ValueError, TypeError):
        return NOT_A_LINK
    scheme, host, _ = origin
    if not host or parts.username is not None or parts.password is not None:
        return NOT_A_LINK                # user@host tricks: no credentials in a link
    if scheme not in ("https", "http"):
        return NOT_A_LINK
    if scheme == "http" and not (is_loopback(host) or host in set(plain_http_hosts)):
        return NOT_HTTPS
    if host_allowed(parts.hostname or "", patterns):
        return None
    if is_address(host) and host != parts.hostname:
        return HOST_NOT_ALLOWED          # 127.0.0.1. is no spelling of the cloud's origin either
    if cloud_url is not None and origin == _origin(urlsplit(cloud_url)):
        return None
    return HOST_NOT_ALLOWED


def plain_url_refusal(url: str, secure_scheme: str, plain_http_hosts: Iterable[str] = ()) -> str | None:
    """For a cloud URL (https/wss): why it may not be used, or None. The plain scheme (http/ws)
    is allowed to a loopback address or an XO2_PLAIN_HTTP_HOSTS name only."""
    plain = secure_scheme[:-1]
    try:
        parts = urlsplit(url)
        parts.port
    except ValueError:
        return f"must be a {secure_scheme}:// URL"
    host = host_of(parts)
    if not host or parts.scheme.lower() not in (secure_scheme, plain):
        return f"must be a {secure_scheme}:// URL"
    if parts.scheme.lower() == plain and not (is_loopback(host) or host in set(plain_http_hosts)):
        return (f"must be {secure_scheme}:// ({plain}:// only to a loopback address, "
                f"or a host in XO2_PLAIN_HTTP_HOSTS)")
    return None
