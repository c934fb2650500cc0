"""devicecloud.hosts and the report-host allow-list (issue 21, finding 8): with a broad
XO2_REPORT_HOSTS (`*`, `*.x`), numeric spellings of an address passed as host names. A pattern
matches names only; an address listed literally matches only itself, written canonically."""
from __future__ import annotations

import socket

import pytest

from devicecloud.hosts import address_of, canonical_address, is_address
from devicecloud.links import HOST_NOT_ALLOWED, host_allowed, link_refusal, parse_patterns
from devicecloud.settings import SettingsError, load_settings

SIM = "http://127.0.0.1:8300"
METADATA = [                                     # 169.254.169.254, every way it can be written
    "169.254.169.254", "2852039166", "0xa9fea9fe", "0XA9FEA9FE", "025177524776",
    "0251.0376.0251.0376", "0xa9.0xfe.0xa9.0xfe", "169.254.43518", "169.16689662",
    "169.254.169.254.", "169.254.169.254..", "１６９.２５４.１６９.２５４", "169。254。169。254",
]
LOOPBACK = ["127.0.0.1", "127.1", "0x7f.1", "0177.0.0.1", "0x7f000001", "2130706433", "017700000001",
            "127.0.1", "127.0.0.1.", "0x7f.0.0.1"]
IPV6 = ["[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]", "[0:0:0:0:0:ffff:a9fe:a9fe]",
        "[::169.254.169.254]", "[64:ff9b::a9fe:a9fe]", "[fe80::1%25eth0]", "[::1]", "[0::1]",
        "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]"]


@pytest.mark.parametrize("host", METADATA)
def test_every_spelling_of_the_metadata_address_is_that_address(host):
    assert is_address(host) and canonical_address(host) == "169.254.169.254"


@pytest.mark.parametrize("host", [h for h in METADATA + LOOPBACK if h.isascii() and h.rstrip(".") == h])
def test_ipv4_spellings_read_as_the_resolver_reads_them(host):
    assert address_of(host).packed == socket.inet_aton(host)


@pytest.mark.parametrize("host, canonical", [
    ("[::ffff:a9fe:a9fe]", "::ffff:a9fe:a9fe"), ("::FFFF:169.254.169.254", "::ffff:a9fe:a9fe"),
    ("fe80::1%eth0", "fe80::1"), ("[0:0:0:0:0:0:0:1]", "::1"), ("1.2.3.999", None), ("1.2.3.4.5", None),
    ("0x", "0.0.0.0"), ("::g", None),
])
def test_other_address_spellings(host, canonical):
    assert is_address(host) and canonical_address(host) == canonical


@pytest.mark.parametrize("name", ["example.com", "bucket.s3.amazonaws.com", "localhost", "a.0x1g", "1e3",
                                  "10.0.0.example", "0xcafe.example", "123abc"])
def test_names_are_not_addresses(name):
    assert not is_address(name) and address_of(name) is None


@pytest.mark.parametrize("patterns", [["*"], ["*.x"], ["*", "*.*"], ["*.s3.amazonaws.com", "*"]])
@pytest.mark.parametrize("host", METADATA + LOOPBACK + IPV6)
def test_a_pattern_never_lets_an_address_through(patterns, host):
    assert not host_allowed(host.strip("[]"), patterns)
    assert link_refusal(f"https://{host}/x.csv", patterns) == HOST_NOT_ALLOWED
    assert link_refusal(f"https://{host}:8300/x.csv", patterns, SIM) == HOST_NOT_ALLOWED


@pytest.mark.parametrize("host", [h for h in LOOPBACK + IPV6 if h not in ("127.0.0.1", "[::1]")])
def test_a_listed_address_matches_only_itself_written_canonically(host):
    assert host_allowed("127.0.0.1", ["127.0.0.1"]) and host_allowed("::1", ["::1"])
    assert not host_allowed(host.strip("[]"), ["127.0.0.1", "::1"])
    # nor does another spelling of the simulator's origin pass for it
    assert link_refusal(f"http://{host}:8300/x.csv", ["127.0.0.1", "::1"], SIM) is not None
    assert link_refusal(f"http://{host}:8300/x.csv", [], SIM) is not None


def test_names_still_match_their_patterns():
    assert host_allowed("reports.example", ["*"]) and host_allowed("reports.example.", ["*.example"])
    assert link_refusal("https://bucket.s3.eu-west-1.amazonaws.com/x.csv", ["*.s3.*.amazonaws.com"]) is None
    assert link_refusal("http://127.0.0.1:8300/x.csv", ["*"], SIM) is None        # the simulator's origin


@pytest.mark.parametrize("pattern, message", [
    ("127.1", "127.0.0.1 written another way"), ("0x7f.0.0.1", "127.0.0.1 written another way"),
    ("2852039166", "169.254.169.254 written another way"), ("[0::1]", "::1 written another way"),
    ("*.1", "names only"), ("1.2.3.999", "names only"),
])
def test_an_address_pattern_must_be_written_canonically(monkeypatch, pattern, message):
    with pytest.raises(ValueError, match=message):
        parse_patterns(pattern)
    monkeypatch.setenv("XO2_REPORT_HOSTS", pattern)
    with pytest.raises(SettingsError, match="XO2_REPORT_HOSTS"):
        load_settings()


def test_a_canonical_address_pattern_is_kept():
    assert parse_patterns("127.0.0.1, [::1], *.s3.amazonaws.com") == ("127.0.0.1", "::1", "*.s3.amazonaws.com")
