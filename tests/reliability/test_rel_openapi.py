"""The HTTP contract documents: GET /api/openapi.json (gateway) and /api/automation/openapi.json
(automation) are OpenAPI 3.1, describe every HTTP route the app has (a new route without a
description fails here), with the error shape and bearer-JWT security, and are served only to a
logged-in client: not without a token, not to the gateway's audit-report token, and not
unauthenticated through nginx. Their use by schemathesis is in test_rel_fuzz_*.py."""
from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from flask_jwt_extended import JWTManager, create_access_token

from automation_svc.app import create_app as create_automation
from automation_svc.contract import OPENAPI_PATH as AUTOMATION_DOC
from automation_svc.service import AutomationService
from devicecloud.settings import load_settings
from gateway_svc.app import create_app as create_gateway
from gateway_svc.contract import OPENAPI_PATH as GATEWAY_DOC
from service_kit.auth import LOGIN_AUDIT_CLAIM

from .conftest import ALIAS, IMEI, JWT_SECRET, PASSWORD, REAL, RelStack, bearer, mint_token

CLOUD = "http://127.0.0.1:9"          # never reached: these tests ask only for the documents


def _settings(tmp: Path):
    return load_settings(cloud_rest_url=CLOUD, cloud_ws_url="ws://127.0.0.1:9/production", device_id=REAL,
                         device_alias=ALIAS, device_imei=IMEI, admin_password=PASSWORD, jwt_secret=JWT_SECRET,
                         dev=False, http_retries=0, state_file=tmp / "state.json", history_dir=tmp / "history")


@pytest.fixture(scope="module")
def apps() -> dict[str, tuple[Flask, str]]:
    settings = _settings(Path(tempfile.mkdtemp(prefix="xo2-openapi-")))
    return {"gateway": (create_gateway(settings, start_stream=False), GATEWAY_DOC),
            "automation": (create_automation(settings, service=AutomationService(settings, with_stream=False),
                                             start=False), AUTOMATION_DOC)}


def _service_token() -> dict[str, str]:
    app = Flask("mint")
    app.config["JWT_SECRET_KEY"] = JWT_SECRET
    JWTManager(app)
    with app.app_context():
        return bearer(create_access_token("gateway", expires_delta=timedelta(minutes=1),
                                          additional_claims={LOGIN_AUDIT_CLAIM: True}))


@pytest.mark.parametrize("service", ["gateway", "automation"])
def test_document_needs_a_login(apps, service):
    app, path = apps[service]
    client = app.test_client()
    for headers, status in [({}, 401), (bearer("x.y.z"), 401), (_service_token(), 403)]:
        resp = client.get(path, headers=headers)
        assert resp.status_code == status and set(resp.get_json()) == {"error"}, resp.data
    assert not [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/apidoc")]   # no doc pages


@pytest.mark.parametrize("service", ["gateway", "automation"])
def test_document_describes_every_route(apps, service):
    app, path = apps[service]
    resp = app.test_client().get(path, headers=bearer(mint_token()))
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = resp.get_json()
    schemathesis.openapi.from_dict(doc)                      # a valid OpenAPI document
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"] == {"bearerJWT": {"type": "http", "scheme": "bearer",
                                                                  "bearerFormat": "JWT"}}
    assert doc["security"] == [{"bearerJWT": []}]
    assert set(doc["components"]["schemas"]["ErrorBody"]["required"]) == {"error"}
    documented = {(p, m.upper()) for p, item in doc["paths"].items() for m in item}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule), m) for r in app.url_map.iter_rules()
              for m in r.methods - {"HEAD", "OPTIONS"}
              if r.endpoint != "static" and not getattr(r, "websocket", False)}
    assert documented == routes
    for p, item in doc["paths"].items():
        for op in item.values():
            assert op["summary"] and not op["summary"].endswith(">"), (p, op["summary"])   # not spectree's stand-in
            public = op.get("security") == []
            assert public == (p.endswith(("/health", "/metrics", "/auth/login")) or p.startswith("/api/download/")), p
            if not public:
                assert {"401", "403"} <= set(op["responses"]), p


def test_nginx_serves_the_documents_to_logged_in_clients_only(rel_stack: RelStack):
    for path in (GATEWAY_DOC, AUTOMATION_DOC):
        assert rel_stack.get(path, headers={}).status_code == 401
        resp = rel_stack.get(path)
        assert resp.status_code == 200 and resp.json()["openapi"].startswith("3.1"), path
    for path in ("/apidoc/openapi.json", "/api/apidoc/openapi.json", "/api/automation/apidoc/openapi.json"):
        resp = rel_stack.get(path, headers={})       # the SPA's page or a 401/404, never a document
        assert "openapi" not in resp.text, path
