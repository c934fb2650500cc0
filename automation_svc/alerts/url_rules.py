"""Where a webhook or Telegram API URL set in the console may point (SPEC 13, issue 21).

http(s) only, and never an address that reaches the machine's own cloud plumbing: link-local
(169.254/16, fe80::/10, where cloud metadata services live), the metadata names, multicast or
unspecified, in any spelling a URL parser or inet_aton accepts (2852039166, 0xa9fea9fe,
169.254.43518, 0251.0376.0251.0376, ::ffff:169.254.169.254, a trailing dot...). Checked when the
URL is saved (`url_refusal`) and again on the addresses the name resolves to at delivery time
(`address_refusal`), since DNS may answer differently later. Private and loopback addresses
stay allowed: an on-premises receiver is the common case.

Sentences here never repeat the URL: it may carry a token (Slack-style paths, user:password).
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

METADATA_NAMES = frozenset({"metadata.google.internal", "metadata", "instance-data"})
METADATA_IPS = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
                          ipaddress.ip_address("100.100.100.200")})     # AWS, AWS v6, Alibaba
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAME = re.compile(r"(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)"
                   r"(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*")
_NUM = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")
MAX_URL = 2000

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


def ipv4_spelling(host: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address a host written as numbers means to inet_aton and browsers (WHATWG URL):
    1-4 dot-separated parts, each decimal, 0x-hex or 0-octal, the last filling the remaining
    bytes, an empty last part (trailing dot) ignored. None when it is not such a spelling;
    ValueError when it is one but too large."""
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    if not 1 <= len(parts) <= 4 or not all(_NUM.fullmatch(p) for p in parts):
        return None
    nums = [int(p, 16) if p[:2].lower() == "0x" and len(p) > 2 else
            0 if p.lower() == "0x" else int(p, 8) if p.startswith("0") and len(p) > 1 else int(p)
            for p in parts]
    *head, last = nums
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(nums)):
        raise ValueError("numbers too large for an IPv4 address")     # browsers refuse it too
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address."""
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in NAT64 or (int(ip) >> 32 == 0 and int(ip) > 0xFFFF):     # 64:ff9b::a.b.c.d, ::a.b.c.d
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_refusal(ip: IP) -> str | None:
    """Why an address may not receive a notification, or None."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_v4(ip)
        if inner is not None:
            return address_refusal(inner)
    if ip in METADATA_IPS:
        return "a cloud metadata service address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified or (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("0.0.0.0/8")):
        return "an unspecified address"
    if isinstance(ip, ipaddress.IPv4Address) and ip == ipaddress.IPv4Address("255.255.255.255"):
        return "a broadcast address"
    return None


def host_address(host: str) -> IP | None:
    """The address a URL's host (urlsplit's hostname) names literally, in any spelling, or None
    for a host name. ValueError for something that is neither."""
    if ":" in host:
        return ipaddress.IPv6Address(host)
    return ipv4_spelling(host)


def url_refusal(url: object, what: str) -> str | None:
    """Why `url` may not be saved as `what` ("the webhook URL"), in a sentence that does not
    repeat it; None when it may."""
    if not isinstance(url, str) or not url.strip():
        return f"{what} is required: an http:// or https:// address"
    if len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return f"{what} must be one address without spaces or control characters (at most {MAX_URL} characters)"
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port                                   # noqa: B018 - raises on a bad port
    except ValueError:
        return f"{what} is not a valid address (check the port and the brackets around an IPv6 address)"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{what} must start with http:// or https://"
    if not host:
        return f"{what} has no host name"
    if "%" in host or "\\" in url.split("?", 1)[0]:
        return f"{what} has an encoded or escaped host; write the host name plainly"
    try:
        ip = host_address(host)
    except ValueError:
        return f"{what} has a host that is neither a name nor an IP address"
    if ip is not None:
        why = address_refusal(ip)
        return f"{what} points at {why}, which notifications may not reach" if why else None
    name = host.rstrip(".").lower()
    if not _NAME.fullmatch(name):
        return f"{what} has a host that is neither a name nor an IP address"
    if name in METADATA_NAMES or name.endswith(".metadata.google.internal"):
        return f"{what} points at a cloud metadata service, which notifications may not reach"
    if re.fullmatch(r"[0-9.]+|0x[0-9a-f.x]+", name):
        return f"{what} has a host that is neither a name nor an IP address"
    return None
