"""Where a webhook or Telegram API URL set in the console may point: http(s) only, never a
link-local, metadata, multicast or unspecified address in any spelling, checked when saved and
again on the resolved addresses at delivery; no sentence repeats the URL."""
from __future__ import annotations

import ipaddress

import pytest

from automation_svc.alerts.http_delivery import PostError, post
from automation_svc.alerts.point_fields import parse_telegram, parse_webhook, public_url
from automation_svc.alerts.url_rules import address_refusal, ipv4_spelling, url_refusal
from automation_svc.models import FieldError

from .alert_servers import HttpReceiver

REFUSED = [
    "http://169.254.169.254/latest/meta-data", "http://2852039166/", "http://0xa9fea9fe/",
    "http://0xA9.0xFE.0xA9.0xFE/", "http://169.254.43518/", "http://169.16689662/",
    "http://0251.0376.0251.0376/", "http://0251.254.169.254/", "http://169.254.169.254./",
    "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/", "http://[0:0:0:0:0:ffff:a9fe:a9fe]/",
    "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a9fe:a9fe::1]/", "http://[fd00:ec2::254]/",
    "http://metadata.google.internal/computeMetadata/v1/", "http://METADATA.GOOGLE.INTERNAL./",
    "http://169.254.1.1/", "http://[fe80::1]/", "http://[fe80::1%25eth0]/",
    "http://224.0.0.251/", "http://239.255.255.250:1900/", "http://[ff02::1]/",
    "http://0.0.0.0/", "http://0/", "http://[::]/", "http://255.255.255.255/",
    "ftp://example.com/", "file:///etc/passwd", "gopher://x/", "javascript:alert(1)", "",
    "http:///path-only", "http://exa mple.com/", "http://example.com:99999/", "http://999999999999/",
    "http://1.2.3.4.5/", "http://%31%36%39.254.169.254/",
]
ALLOWED = ["https://hooks.slack.com/services/T000/B000/XXXX", "http://127.0.0.1:8080/hook",
           "http://10.0.0.5/alerts", "https://user:pa55@receiver.example.com:8443/x?y=1",
           "http://[::1]:9000/", "https://api.telegram.org", "http://receiver.local./h"]


@pytest.mark.parametrize("url", REFUSED)
def test_refused_spellings(url):
    problem = url_refusal(url, "The webhook URL")
    assert problem and problem.startswith("The webhook URL")
    if url:
        assert url not in problem and "169.254" not in problem and "a9fe" not in problem.lower()


@pytest.mark.parametrize("url", ALLOWED)
def test_allowed_addresses(url):
    assert url_refusal(url, "The webhook URL") is None


@pytest.mark.parametrize("spelling", ["2852039166", "0xa9fea9fe", "169.254.43518", "169.16689662",
                                      "0251.0376.0251.0376", "0xa9.254.0251.0xfe", "169.254.169.254."])
def test_numeric_spellings_mean_what_inet_aton_means(spelling):
    assert ipv4_spelling(spelling) == ipaddress.IPv4Address("169.254.169.254")


def test_resolved_addresses_are_checked_at_delivery():
    for ip in ("169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "224.0.0.1", "0.0.0.0", "fe80::1"):
        assert address_refusal(ipaddress.ip_address(ip)), ip
    # Delivery checks what getaddrinfo answers, whatever the URL says (an env URL is not checked
    # when saved; a name may resolve elsewhere later): nothing is sent to a refused address.
    with pytest.raises(PostError) as exc:
        post("http://169.254.169.254/latest", b"{}", {}, what="the webhook", deadline_s=2, read_timeout_s=2)
    assert "resolves to a cloud metadata service address" in str(exc.value)


def test_no_redirect_is_followed():
    class Redirect(HttpReceiver):
        def handle(self, path, headers, body):
            super().handle(path, headers, body)
            return 302, {"see": "elsewhere"}
    server = Redirect().start()
    try:
        with pytest.raises(PostError) as exc:
            post(f"{server.url}/hook/token-abc", b"{}", {}, what="the webhook", deadline_s=5, read_timeout_s=5)
        assert "HTTP 302" in str(exc.value) and "redirect" in str(exc.value) and "token-abc" not in str(exc.value)
        assert len(server.received()) == 1
    finally:
        server.stop()


def test_settings_errors_never_echo_the_url_or_token():
    secret_url = "http://user:hunter2@169.254.169.254/hooks/T0/SECRET-TOKEN"
    with pytest.raises(FieldError) as exc:
        parse_webhook({"url": secret_url}, None)
    assert exc.value.field == "url" and "hunter2" not in exc.value.message and "SECRET" not in exc.value.message
    with pytest.raises(FieldError) as exc:
        parse_webhook({"url": "notaurl SECRET-TOKEN"}, None)
    assert "SECRET" not in exc.value.message
    with pytest.raises(FieldError) as exc:
        parse_telegram({"chat_id": "1", "token": "123:short"}, None)
    assert exc.value.field == "token" and "123:short" not in exc.value.message
    with pytest.raises(FieldError) as exc:
        parse_telegram({"chat_id": "1", "token": "123456:TEST-token-abcdef", "api_url": "http://0xa9fea9fe/"}, None)
    assert exc.value.field == "api_url"
    assert public_url("https://u:p@hooks.slack.com/services/T/B/C") == "https://hooks.slack.com/…"


def test_https_is_verified_against_the_host_name(tmp_path):
    import ssl

    from .alert_servers import self_signed
    cert, key = self_signed(tmp_path)
    server = HttpReceiver()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert), str(key))
    server.server.socket = ctx.wrap_socket(server.server.socket, server_side=True)
    server.start()
    try:
        url = f"https://127.0.0.1:{server.port}/hook"
        answer = post(url, b"{}", {"Content-Type": "application/json"}, what="the webhook", deadline_s=5,
                      read_timeout_s=5, tls=ssl.create_default_context(cafile=str(cert)))
        assert answer.status == 200 and server.received()[0].path == "/hook"
        with pytest.raises(PostError) as exc:
            post(url, b"{}", {}, what="the webhook", deadline_s=5, read_timeout_s=5)
        assert "certificate is not trusted" in str(exc.value) and "/hook" not in str(exc.value)
    finally:
        server.stop()
