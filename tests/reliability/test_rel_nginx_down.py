"""nginx in front of services that are down (starting, restarting, crashed): the browser gets
JSON like every other API error (503 + Retry-After, security headers), not nginx's HTML page,
and the web app itself is still served."""
from __future__ import annotations

import pytest
import requests

from tests.stack_tools import need_stack_tools

from .conftest import ROOT, Stack, free_port, wait_http
from .test_rel_security import assert_security_headers


@pytest.fixture(scope="module")
def nginx_alone(tmp_path_factory):
    need_stack_tools()
    run_dir = tmp_path_factory.mktemp("nginx-down")
    (run_dir / "logs").mkdir()
    # Nothing listens on the service ports: free_port() returns a port nobody holds.
    stack = Stack(port=free_port(), sim=False, run_dir=run_dir,
                  ports={"gateway": free_port(), "automation": free_port()})
    wait_http(f"{stack.url}/", 15, stack.spawn_nginx())      # the web app needs no service
    yield stack
    stack.stop()


@pytest.mark.parametrize("method,path", [("GET", "/api/live"), ("GET", "/api/health"),
                                         ("POST", "/api/auth/login"), ("GET", "/api/automation/relays"),
                                         ("GET", "/api/report.csv?startDate=2025-12-01&endDate=2025-12-01"),
                                         ("GET", "/api/ws")])
def test_a_service_that_is_down_gives_json_503(nginx_alone, method, path):
    r = requests.request(method, nginx_alone.url + path, timeout=10, json={} if method == "POST" else None)
    assert r.status_code == 503, (path, r.status_code, r.text[:200])
    assert r.headers["Content-Type"].startswith("application/json")
    assert "not reachable" in r.json()["error"]
    assert int(r.headers["Retry-After"]) > 0
    assert_security_headers(r, path)


def test_the_web_app_is_still_served(nginx_alone):
    r = requests.get(nginx_alone.url + "/", timeout=10)
    assert r.status_code == 200 and "<div id=\"root\"" in r.text
    assert (ROOT / "web/dist/index.html").exists()
