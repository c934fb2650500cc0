"""Is this host string an IP address, in any spelling? The one place that knows.

An allow-list that judges a URL's host by its text must know an address when it sees one, or
a broad pattern (`*`) lets one through: 2852039166, 0xa9fea9fe, 0251.0376.0251.0376 and
169.254.43518 are all 169.254.169.254 to the resolver (inet_aton) and to browsers (the WHATWG
URL standard); 127.1 and 0x7f.1 are 127.0.0.1; [::ffff:a9fe:a9fe] is the metadata address
again (issue 21, finding 8). So:

- is_address(host): True for every string a resolver or URL parser would take as an address,
  and for numeric-looking hosts that are no valid address either (1.2.3.999): the WHATWG rule
  "a host whose last label is a number is an IPv4 address", plus anything with a colon (IPv6;
  names never hold one). Full-width digits and dots count (IDNA maps them to ASCII).
- address_of(host): the address it denotes, or None (a name, or an invalid address).
- canonical_address(host): its one canonical spelling (127.0.0.1, ::1), or None.

Use: a pattern matches names only; an address is allowed only when written canonically and
listed exactly (links.py). Webhook and other outbound URLs can ask address_of() what they
would reach. No DNS is consulted anywhere here.
"""
from __future__ import annotations

import ipaddress
import string
import unicodedata

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})   # IDNA's other full stops
_HEX = frozenset(string.hexdigits)
_OCT = frozenset("01234567")


def _clean(host: str) -> str:
    """Lower case, ASCII where IDNA would make it so, without brackets or trailing dots."""
    h = unicodedata.normalize("NFKC", host).translate(_DOTS).strip().lower()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    return h.rstrip(".")


def _number(label: str) -> int | None:
    """One IPv4 part as inet_aton and WHATWG read it: 0x.. hex, 0.. octal, else decimal."""
    if not label.isascii():
        return None
    if label.startswith("0x"):
        digits = label[2:]
        if not digits:
            return 0
        return int(digits, 16) if set(digits) <= _HEX else None
    if len(label) > 1 and label.startswith("0"):
        return int(label, 8) if set(label) <= _OCT else None
    return int(label) if label.isdigit() else None


def is_address(host: str) -> bool:
    """Whether `host` is (or poses as) an IP address in any spelling, rather than a name."""
    h = _clean(host)
    if ":" in h:
        return True
    last = h.split(".")[-1]
    return last != "" and (last.isascii() and last.isdigit() or _number(last) is not None)


def address_of(host: str) -> IPAddress | None:
    """The address `host` denotes in any spelling, or None for a name or an invalid address."""
    if not is_address(host):
        return None
    h = _clean(host)
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h.split("%", 1)[0])     # a zone (%eth0) is no part of it
        except ValueError:
            return None
    parts = h.split(".")
    nums = [_number(p) for p in parts]
    if len(parts) > 4 or any(n is None for n in nums):
        return None
    *head, last = nums
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(parts)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    return ipaddress.IPv4Address(value * 256 ** (5 - len(parts)) + last)


def canonical_address(host: str) -> str | None:
    """The canonical spelling of the address `host` denotes (127.0.0.1, ::1), or None."""
    addr = address_of(host)
    return None if addr is None else str(addr)
