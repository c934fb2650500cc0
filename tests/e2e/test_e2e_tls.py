"""The console over HTTPS as the compose setup serves it (SPEC 11), on loopback: Stack(tls=True)
runs docker/nginx-tls.sh (self-signed pair, fingerprint logged) and nginx with the same template.
Checks the certificate, the redirect, HSTS on HTTPS only, the protocol/cipher policy, then a
real Chromium logs in and sees live values."""
from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.stack_tools import need_stack_tools

from .conftest import ROOT, Stack, free_port

pytestmark = pytest.mark.timeout(300)
PASSWORD = "e2e-password-123"


@pytest.fixture(scope="module")
def tls_stack(tmp_path_factory):
    need_stack_tools()
    run_dir = tmp_path_factory.mktemp("tls-stack")
    ports = {"sim": free_port(), "gateway": free_port(), "automation": free_port(), "http": free_port()}
    env = {"XO2_ADMIN_PASSWORD": PASSWORD, "XO2_DEV": "1"}
    with Stack(port=free_port(), sim_period=0.5, run_dir=run_dir, env=env, ports=ports, tls=True) as s:
        yield s


def served_cert_der(stack) -> bytes:
    ctx = stack.tls_context()
    with socket.create_connection(("127.0.0.1", stack.port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return tls.getpeercert(binary_form=True)


def https_get(stack, path: str):
    with urllib.request.urlopen(stack.url + path, context=stack.tls_context(), timeout=10) as r:
        return r.status, dict(r.headers)


def test_self_signed_pair_is_made_and_its_fingerprint_logged(tls_stack):
    log = (tls_stack.run_dir / "logs" / "nginx-tls.log").read_text()
    m = re.search(r"SHA-256 fingerprint ([0-9A-F:]{95})", log)
    assert m, log
    served = hashlib.sha256(served_cert_der(tls_stack)).hexdigest().upper()
    assert m.group(1).replace(":", "") == served        # the logged print is the served certificate
    assert "self-signed" in log and "IP:127.0.0.1" in log
    key = tls_stack.run_dir / "tls" / "selfsigned.key"
    assert key.stat().st_mode & 0o077 == 0               # the private key is not world-readable


def test_plain_http_only_redirects_and_sends_no_hsts(tls_stack):
    for method, path in [("GET", "/"), ("GET", "/automation?x=1"), ("GET", "/api/health"),
                         ("POST", "/api/auth/login")]:
        conn = http.client.HTTPConnection("127.0.0.1", tls_stack.http_port, timeout=5)
        conn.request(method, path, body=b"{}" if method == "POST" else None)
        r = conn.getresponse()
        r.read()
        assert r.status == 301, (method, path)
        assert r.getheader("Location") == f"{tls_stack.url}{path}"
        assert r.getheader("Strict-Transport-Security") is None
        conn.close()


def test_https_sends_hsts_on_pages_api_and_errors(tls_stack):
    for path in ["/", "/api/health", "/assets/none.js"]:
        try:
            status, headers = https_get(tls_stack, path)
        except urllib.error.HTTPError as err:       # a 404 carries the header too
            status, headers = err.code, dict(err.headers)
        assert status in (200, 404), path
        assert headers.get("Strict-Transport-Security") == "max-age=31536000", path


def _handshake(stack, **options) -> str:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=str(stack.tls_cert))
    for name, value in options.items():
        if name == "ciphers":
            ctx.set_ciphers(value)
        else:
            setattr(ctx, name, value)
    with socket.create_connection(("127.0.0.1", stack.port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return f"{tls.version()} {tls.cipher()[0]}"


def test_only_tls12_and_13_with_modern_ciphers(tls_stack):
    assert _handshake(tls_stack).startswith("TLSv1.3")
    tls12 = _handshake(tls_stack, maximum_version=ssl.TLSVersion.TLSv1_2)
    assert tls12.startswith("TLSv1.2 ECDHE-ECDSA-") and ("GCM" in tls12 or "CHACHA20" in tls12), tls12
    # A client offering only old protocols or non-forward-secret / CBC suites is refused.
    with pytest.raises(ssl.SSLError):
        _handshake(tls_stack, minimum_version=ssl.TLSVersion.TLSv1, maximum_version=ssl.TLSVersion.TLSv1_1,
                   ciphers="ALL:@SECLEVEL=0")
    for weak in ["AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384"]:
        with pytest.raises(ssl.SSLError):
            _handshake(tls_stack, maximum_version=ssl.TLSVersion.TLSv1_2, ciphers=weak)


def spki_sha256(cert) -> str:
    """base64 SHA-256 of the certificate's public key (what Chromium's SPKI allow-list takes)."""
    pub = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-pubkey"], capture_output=True,
                         check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub, capture_output=True,
                         check=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def test_browser_over_https(tls_stack):
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    env = {**os.environ, "BASE_URL": tls_stack.url, "HTTP_URL": tls_stack.http_url,
           "ADMIN_PASSWORD": PASSWORD, "SPKI_SHA256": spki_sha256(tls_stack.tls_cert), "CHROMIUM": chromium}
    proc = subprocess.run(["node", "--test", "--test-reporter=spec", "e2e/tls.e2e.test.mjs"],
                          cwd=ROOT / "web", env=env, capture_output=True, text=True, timeout=240)
    print(proc.stdout[-10000:])
    print(proc.stderr[-3000:])
    assert proc.returncode == 0, "browser test over HTTPS failed (output above)"
    assert re.search(r"\bpass 2\n", proc.stdout) and re.search(r"\bskipped 0\n", proc.stdout), "not skipped"


def test_local_run_stays_plain_http_without_hsts(stack):
    """The default local run (scripts/run.sh, Stack()) is plain HTTP on loopback: no redirect,
    and no HSTS (it would pin the browser to an HTTPS that is not there)."""
    assert stack.url.startswith("http://127.0.0.1:") and not stack.tls and stack.http_url is None
    with urllib.request.urlopen(stack.url + "/api/health", timeout=10) as r:
        assert r.status == 200 and r.headers.get("Strict-Transport-Security") is None
