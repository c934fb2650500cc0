"""No nginx log line, access or error, holds a browser-socket ticket or a one-time download id
(issue 21): nginx's error log names a failed request with its query, so everything nginx writes
passes through docker/nginx-logmask.sh, in the image and in the local run alike. Here the local
run's nginx (scripts/stack.py) with nothing behind it, so each request fails and is logged."""
from __future__ import annotations

import requests

from scripts.stack import Stack, free_port
from tests.eventually import eventually

from .test_deploy_files import ROOT


def test_error_and_access_log_lines_are_masked(tmp_path):
    stack = Stack(port=free_port(), sim=False, run_dir=tmp_path,
                  ports={"gateway": free_port(), "automation": free_port()})
    (tmp_path / "logs").mkdir()
    try:
        stack.spawn_nginx()
        ticket, download = "probeTicket0a1b2c", "probeDownload9z8y"
        for path in (f"/api/ws?ticket={ticket}&x=1", f"/api/download/{download}", f"/api/download/{download}?a=b"):
            # (a list: a 503 Response is falsy)
            [r] = eventually(lambda: [requests.get(stack.url + path, timeout=5)], timeout=15, what="nginx up")
            assert r.status_code == 503                 # nothing behind it: the JSON 503
        log = tmp_path / "logs/nginx.log"

        def logged():
            text = log.read_text()
            errors = [line for line in text.splitlines() if "[error]" in line and "request:" in line]
            assert len(errors) >= 3, text[-2000:]
            return text, errors
        text, errors = eventually(logged, timeout=10, what="three error log lines")
    finally:
        stack.stop()
    assert ticket not in text and download not in text
    assert any('request: "GET /api/ws?ticket=-&x=1 ' in line for line in errors), errors
    assert any('request: "GET /api/download/- ' in line for line in errors), errors
    assert any('upstream: "http://127.0.0.1:' in line and "/api/download/-?a=b" in line for line in errors), errors


def test_the_image_and_the_local_run_use_the_same_mask():
    dockerfile = (ROOT / "docker/nginx.Dockerfile").read_text()
    assert 'ENTRYPOINT ["/usr/local/bin/xo2-logmask", "/docker-entrypoint.sh"]' in dockerfile
    assert "COPY docker/nginx-logmask.sh /usr/local/bin/xo2-logmask" in dockerfile
    conf = (ROOT / "docker/nginx.conf").read_text()
    assert "error_log /dev/stderr" in conf and "access_log off;" in conf
