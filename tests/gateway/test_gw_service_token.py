"""The gateway's audit-report token (LOGIN_AUDIT_CLAIM) is signed with the shared secret but is
not a login: every gateway route that needs a login refuses it."""
from __future__ import annotations

import re
from datetime import timedelta

from flask_jwt_extended import create_access_token

from service_kit.auth import LOGIN_AUDIT_CLAIM


def test_the_audit_report_token_is_refused_on_every_login_route(app, client, auth, cloud):
    with app.app_context():
        service = {"Authorization": "Bearer " + create_access_token(
            identity="gateway", expires_delta=timedelta(minutes=1), additional_claims={LOGIN_AUDIT_CLAIM: True})}
    protected = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<[^>]+>", "x", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if client.open(path, method=method).status_code != 401:
                continue                  # open without a login (login, health, one-time ids, ...)
            assert client.open(path, method=method, headers=auth).status_code not in (401, 403), path
            r = client.open(path, method=method, headers=service)
            assert r.status_code == 403 and r.get_json() == {"error": "this token is not a login; log in"}, (
                method, path, r.status_code)
            protected.append(f"{method} {path}")
    assert {"GET /api/live", "GET /api/channels", "GET /api/report.csv", "POST /api/report-link",
            "GET /api/history", "GET /api/graph/x"} <= set(protected), protected
