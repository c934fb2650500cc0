"""devicecloud.links (SPEC 11): which report links and cloud URLs the console accepts. Pure
functions: nothing here opens a connection."""
from __future__ import annotations

import pytest
import responses

from devicecloud.links import DEFAULT_REPORT_HOSTS, host_allowed, link_refusal, parse_patterns
from devicecloud.rest import CloudClient, ReportLinkRefused
from devicecloud.settings import SettingsError, load_settings

CLOUD = "https://abc123.execute-api.us-east-1.amazonaws.com"
SIM = "http://127.0.0.1:8300"


@pytest.mark.parametrize("url, cloud", [
    ("https://devicedatalongterm.s3.amazonaws.com/athena-results/x.csv?Signature=a", CLOUD),
    ("https://devicedatalongterm.s3.us-east-1.amazonaws.com/athena-results/x.csv", CLOUD),
    ("https://my.dotted.bucket.s3.amazonaws.com/x.csv", CLOUD),
    ("https://DeviceData.S3.AmazonAWS.com./x.csv", CLOUD),           # case and a trailing dot
    ("http://127.0.0.1:8300/athena-results/x.csv", SIM),              # the simulator's own origin
])
def test_allowed_links(url, cloud):
    assert link_refusal(url, DEFAULT_REPORT_HOSTS, cloud) is None


@pytest.mark.parametrize("url, reason", [
    ("http://devicedatalongterm.s3.amazonaws.com/x.csv", "not https"),
    ("http://10.0.0.5/x.csv", "not https"),
    ("http://169.254.169.254/latest/meta-data/", "not https"),
    ("https://169.254.169.254/latest/meta-data/", "host not in XO2_REPORT_HOSTS"),
    ("https://[fd00::1]/x.csv", "host not in XO2_REPORT_HOSTS"),
    ("https://s3.amazonaws.com/x.csv", "host not in XO2_REPORT_HOSTS"),
    ("https://bucket.s3.amazonaws.com.evil.example/x.csv", "host not in XO2_REPORT_HOSTS"),
    ("https://evil.example/x.csv?h=.s3.amazonaws.com", "host not in XO2_REPORT_HOSTS"),
    ("https://evil.example/bucket.s3.amazonaws.com", "host not in XO2_REPORT_HOSTS"),
    ("http://127.0.0.2/x.csv", "host not in XO2_REPORT_HOSTS"),       # loopback, but not allowed
    ("http://127.0.0.1:22/", "host not in XO2_REPORT_HOSTS"),         # the cloud's host, not its origin
    ("https://bucket.s3.amazonaws.com@169.254.169.254/x.csv", "not a valid https link"),
    ("https://bucket.s3.amazonaws.com:99999/x.csv", "not a valid https link"),
    ("file:///etc/passwd", "not a valid https link"),
    ("ftp://bucket.s3.amazonaws.com/x.csv", "not a valid https link"),
    ("//bucket.s3.amazonaws.com/x.csv", "not a valid https link"),
    ("", "not a valid https link"),
])
def test_refused_links(url, reason):
    assert link_refusal(url, DEFAULT_REPORT_HOSTS, SIM) == reason


def test_globs_never_match_an_address_but_an_exact_address_may_be_allowed():
    assert not host_allowed("169.254.169.254", ["*"])
    assert not host_allowed("::1", ["*"])
    assert host_allowed("10.1.2.3", ["10.1.2.3"]) and host_allowed("::1", ["[::1]"])
    assert host_allowed("reports.example", ["*"])


def test_plain_http_only_to_loopback_or_a_named_host():
    assert link_refusal("http://localhost/x.csv", ["localhost"]) is None
    assert link_refusal("http://[::1]:8300/x.csv", ["::1"]) is None
    assert link_refusal("http://sim:8300/x.csv", ["sim"]) == "not https"
    assert link_refusal("http://sim:8300/x.csv", ["sim"], plain_http_hosts=["sim"]) is None


def test_report_hosts_from_the_environment(monkeypatch):
    monkeypatch.setenv("XO2_REPORT_HOSTS", " *.s3.amazonaws.com , Reports.Example ,")
    assert load_settings().report_hosts == ("*.s3.amazonaws.com", "reports.example")
    monkeypatch.delenv("XO2_REPORT_HOSTS")
    assert load_settings().report_hosts == ("*.s3.amazonaws.com", "*.s3.*.amazonaws.com")
    with pytest.raises(ValueError):
        parse_patterns("https://bucket.s3.amazonaws.com/")
    monkeypatch.setenv("XO2_REPORT_HOSTS", "https://evil.example/")
    with pytest.raises(SettingsError, match="XO2_REPORT_HOSTS"):
        load_settings()


@pytest.mark.parametrize("name, value", [
    ("XO2_CLOUD_REST_URL", "http://cloud.example"),
    ("XO2_CLOUD_REST_URL", "http://10.0.0.8:8300"),
    ("XO2_CLOUD_REST_URL", "ftp://cloud.example"),
    ("XO2_CLOUD_WS_URL", "ws://cloud.example/production"),
    ("XO2_CLOUD_WS_URL", "https://cloud.example/production"),
])
def test_cloud_urls_in_clear_only_to_loopback(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


@pytest.mark.parametrize("rest, ws", [
    ("https://abc.execute-api.us-east-1.amazonaws.com", "wss://def.execute-api.us-east-1.amazonaws.com/production"),
    ("http://127.0.0.1:8300", "ws://127.0.0.1:8300/production"),
    ("http://localhost:8300", "ws://[::1]:8300/production"),
    ("http://127.1.2.3:8300", "ws://127.1.2.3:8300/production"),
])
def test_secure_or_loopback_cloud_urls_start(rest, ws):
    s = load_settings(cloud_rest_url=rest, cloud_ws_url=ws)
    assert (s.cloud_rest_url, s.cloud_ws_url) == (rest, ws)


def test_a_named_simulator_host_may_be_plain(monkeypatch):
    monkeypatch.setenv("XO2_PLAIN_HTTP_HOSTS", "sim")
    s = load_settings(cloud_rest_url="http://sim:8300", cloud_ws_url="ws://sim:8300/production")
    assert s.plain_http_hosts == ("sim",)
    monkeypatch.setenv("XO2_PLAIN_HTTP_HOSTS", "*.internal")
    with pytest.raises(SettingsError, match="XO2_PLAIN_HTTP_HOSTS"):
        load_settings()


@responses.activate
def test_the_client_neither_fetches_a_refused_link_nor_follows_a_redirect():
    client = CloudClient(load_settings(cloud_rest_url=CLOUD, http_retries=0))
    evil = responses.add(responses.GET, "https://evil.example/x.csv", body="secret")
    with pytest.raises(ReportLinkRefused) as refused:
        client.download("https://evil.example/x.csv")
    assert refused.value.reason == "host not in XO2_REPORT_HOSTS" and "evil" not in str(refused.value)
    link = "https://bucket.s3.amazonaws.com/x.csv"
    responses.add(responses.GET, link, status=302, headers={"Location": "https://evil.example/x.csv"})
    with pytest.raises(ReportLinkRefused, match="a redirect"):
        client.download(link)
    assert evil.call_count == 0
