"""The compose setup's HTTPS (SPEC 11) checked without a Docker engine: the nginx image's TLS step
(docker/nginx-tls.sh) is run here as the image's entrypoint runs it, the site template is rendered
with the image's own ENV as envsubst would, and real nginx checks the result (`nginx -t`)."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from .test_deploy_files import COMPOSE, ROOT, SERVICES

DOCKERFILE = (ROOT / "docker/nginx.Dockerfile").read_text()
SCRIPT = ROOT / "docker/nginx-tls.sh"
TEMPLATE = (ROOT / "nginx/templates/default.conf.template").read_text()
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def image_env() -> dict[str, str]:
    """The ENV of the nginx image's final stage (KEY=VALUE pairs, quotes allowed)."""
    final = DOCKERFILE[DOCKERFILE.rindex("FROM"):]
    env: dict[str, str] = {}
    for block in re.findall(r"^ENV\s+((?:.*\\\n)*.*)$", final, re.M):
        for key, quoted, plain in re.findall(r'(\w+)=(?:"([^"]*)"|(\S+))', block.replace("\\\n", " ")):
            env[key] = quoted or plain
    return env


def run_tls_step(tmp: Path, **env: str) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ["PATH"], "TLS_STATE_DIR": str(tmp / "tls"), "TLS_CONF_DIR": str(tmp / "xo2"),
            "SNIPPETS": str(ROOT / "nginx/snippets"), "HTTP_LISTEN": "127.0.0.1:8080"}
    return subprocess.run(["sh", str(SCRIPT)], env={**base, **env}, capture_output=True, text=True, timeout=60)


def logged_fingerprint(out: str) -> str:
    return re.search(r"SHA-256 fingerprint ([0-9A-F:]+)", out).group(1).replace(":", "")


def der_sha256(cert: Path) -> str:
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(cert.read_text())).hexdigest().upper()


def test_compose_serves_https_by_default_with_a_cert_volume():
    nginx = SERVICES["nginx"]
    env = image_env()
    assert nginx["ports"] == ["${XO2_HTTPS_PORT:-443}:8443", "${XO2_HTTP_PORT:-80}:8080"]
    assert env["LISTEN_PORT"] == "8443 ssl" and env["HTTP_LISTEN"] == "8080"
    assert f"tls:{env['TLS_STATE_DIR']}" in nginx["volumes"] and "tls" in COMPOSE["volumes"]
    assert set(nginx["environment"]) == {"XO2_HTTPS_PORT", "XO2_TLS_CERT", "XO2_TLS_KEY", "XO2_TLS_HOSTNAMES"}
    assert "https://127.0.0.1:8443/api/health" in nginx["healthcheck"]["test"]


def test_image_runs_the_tls_step_before_nginx_and_substitutes_every_template_variable():
    # The official entrypoint runs executable /docker-entrypoint.d/*.sh before starting nginx.
    assert re.search(r"^COPY docker/nginx-tls\.sh /docker-entrypoint\.d/\d+-[\w-]+\.sh$", DOCKERFILE, re.M)
    assert os.access(SCRIPT, os.X_OK)
    assert re.search(r"apt-get \$ca install .*openssl", DOCKERFILE)
    env = image_env()
    names = set(re.findall(r"\$\{(\w+)\}", TEMPLATE))
    allowed = re.fullmatch(r"\^\((.*)\)\$", env["NGINX_ENVSUBST_FILTER"]).group(1).split("|")
    assert names <= set(allowed) and names <= env.keys(), names - set(allowed)


def test_self_signed_pair_made_once_kept_and_rendered_site_passes_nginx_t(tmp_path):
    first = run_tls_step(tmp_path, XO2_TLS_HOSTNAMES="console.plant,10.1.2.3", XO2_HTTPS_PORT="443")
    assert first.returncode == 0, first.stderr
    cert = tmp_path / "tls/selfsigned.crt"
    assert logged_fingerprint(first.stdout) == der_sha256(cert)
    assert "made now for DNS:console.plant,IP:10.1.2.3" in first.stdout
    text = subprocess.run(["openssl", "x509", "-in", str(cert), "-noout", "-text"], capture_output=True,
                          text=True, check=True).stdout
    assert "DNS:console.plant" in text and "IP Address:10.1.2.3" in text and "prime256v1" in text
    assert (tmp_path / "tls/selfsigned.key").stat().st_mode & 0o077 == 0

    second = run_tls_step(tmp_path)                       # a restart keeps the pair (same print)
    assert second.returncode == 0 and "kept from an earlier start" in second.stdout
    assert logged_fingerprint(second.stdout) == logged_fingerprint(first.stdout)
    redirect = (tmp_path / "xo2/redirect.conf").read_text()
    assert "listen 127.0.0.1:8080;" in redirect and "return 301 https://$host$request_uri;" in redirect
    assert "access_log /dev/stdout xo2_private;" in redirect   # no ticket or query in its log

    # The site as the image renders it (its ENV, paths moved under tmp, upstreams resolvable).
    env = image_env()
    values = {**env, "TLS_CONF": str(tmp_path / "xo2/tls.conf"), "REDIRECT_CONF": str(tmp_path / "xo2/redirect.conf"),
              "SNIPPETS": str(ROOT / "nginx/snippets"), "WEB_ROOT": str(tmp_path),
              "GATEWAY_UPSTREAM": "127.0.0.1:1", "AUTOMATION_UPSTREAM": "127.0.0.1:2"}
    site = re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], TEMPLATE)
    assert "listen 8443 ssl;" in site
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "logs").mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\nevents {{}}\n"
                    f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n")
    check = subprocess.run([NGINX, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_redirect_keeps_a_non_default_https_port(tmp_path):
    assert run_tls_step(tmp_path, XO2_HTTPS_PORT="8443").returncode == 0
    assert "return 301 https://$host:8443$request_uri;" in (tmp_path / "xo2/redirect.conf").read_text()
    bad = run_tls_step(tmp_path, XO2_HTTPS_PORT="443; evil")
    assert bad.returncode != 0 and "XO2_HTTPS_PORT" in bad.stderr


def test_expiring_self_signed_pair_is_remade(tmp_path):
    (tmp_path / "tls").mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "1", "-subj", "/CN=old", "-keyout", str(tmp_path / "tls/selfsigned.key"),
                    "-out", str(tmp_path / "tls/selfsigned.crt")], capture_output=True, check=True)
    old = der_sha256(tmp_path / "tls/selfsigned.crt")
    out = run_tls_step(tmp_path)
    assert out.returncode == 0 and "made now" in out.stdout
    assert der_sha256(tmp_path / "tls/selfsigned.crt") != old


def test_own_certificate_is_used_and_its_fingerprint_logged(tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
                    "-subj", "/CN=console.example", "-keyout", str(own / "key.pem"), "-out", str(own / "cert.pem")],
                   capture_output=True, check=True)
    out = run_tls_step(tmp_path, XO2_TLS_CERT=str(own / "cert.pem"), XO2_TLS_KEY=str(own / "key.pem"))
    assert out.returncode == 0, out.stderr
    assert logged_fingerprint(out.stdout) == der_sha256(own / "cert.pem")
    assert not (tmp_path / "tls/selfsigned.crt").exists()
    conf = (tmp_path / "xo2/tls.conf").read_text()
    assert f"ssl_certificate {own / 'cert.pem'};" in conf and f"ssl_certificate_key {own / 'key.pem'};" in conf


@pytest.mark.parametrize("env, message", [
    ({"XO2_TLS_CERT": "/nonexistent/cert.pem"}, "set both XO2_TLS_CERT and XO2_TLS_KEY"),
    ({"XO2_TLS_CERT": "/nonexistent/cert.pem", "XO2_TLS_KEY": "/nonexistent/key.pem"}, "XO2_TLS_CERT: cannot read"),
])
def test_bad_own_certificate_settings_stop_the_start(tmp_path, env, message):
    out = run_tls_step(tmp_path, **env)
    assert out.returncode != 0 and message in out.stderr
    assert not (tmp_path / "xo2/tls.conf").exists()      # nginx never starts half-configured


def test_tls_policy_is_modern_only():
    policy = (ROOT / "nginx/snippets/tls_policy.conf").read_text()
    assert re.search(r"^ssl_protocols TLSv1\.2 TLSv1\.3;$", policy, re.M)
    ciphers = re.search(r"^ssl_ciphers (\S+);$", policy, re.M).group(1).split(":")
    assert ciphers and all(c.startswith("ECDHE-") and ("GCM" in c or "CHACHA20" in c) for c in ciphers)
    headers = (ROOT / "nginx/snippets/security_headers.conf").read_text()
    assert "add_header Strict-Transport-Security $hsts always;" in headers
    assert re.search(r"map \$https \$hsts \{\s*on\s+\"max-age=\d+\";\s*default\s+\"\";", TEMPLATE)
