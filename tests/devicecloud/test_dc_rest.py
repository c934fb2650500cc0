import json
from datetime import date

import pytest
import responses

from devicecloud.rest import CloudClient, CloudError, validate_command
from devicecloud.settings import load_settings

BASE = "https://cloud.test"
S = load_settings(cloud_rest_url=BASE, http_retries=2, http_backoff_s=0, device_id="BTTE1250001")
GRAPH = f"{BASE}/device/BTTE1250001/graph/day"


@responses.activate
def test_graph_returns_the_cloud_body():
    responses.get(GRAPH, json={"deviceId": "BTTE1250001", "period": "day", "count": 0, "data": []})
    assert CloudClient(S).graph("day")["period"] == "day"


@responses.activate
def test_5xx_is_retried_then_succeeds():
    responses.get(GRAPH, status=503)
    responses.get(GRAPH, status=502)
    responses.get(GRAPH, json={"data": [], "period": "day"})
    assert CloudClient(S).graph("day")["data"] == []
    assert len(responses.calls) == 3


@responses.activate
def test_persistent_5xx_gives_a_clear_error_without_the_url():
    responses.get(GRAPH, status=503)
    with pytest.raises(CloudError) as exc:
        CloudClient(S).graph("day")
    assert len(responses.calls) == 3  # first try + 2 retries
    assert str(exc.value) == "device cloud returned 503 (graph/day)"
    assert exc.value.status == 503
    assert "BTTE" not in str(exc.value) and "cloud.test" not in str(exc.value)


@responses.activate
def test_4xx_is_not_retried():
    responses.get(GRAPH, status=404, json={"message": "not found"})
    with pytest.raises(CloudError, match="404"):
        CloudClient(S).graph("day")
    assert len(responses.calls) == 1


@responses.activate
def test_malformed_json_and_missing_data():
    responses.get(GRAPH, body='{"data": [', status=200)
    with pytest.raises(CloudError, match="malformed JSON"):
        CloudClient(S).graph("day")
    responses.replace(responses.GET, GRAPH, json={"message": "hi"})
    with pytest.raises(CloudError, match="no data list"):
        CloudClient(S).graph("day")


@responses.activate
def test_connection_error_is_reported():
    with pytest.raises(CloudError, match="unreachable"):
        CloudClient(S).graph("week")  # nothing registered: responses refuses the connection


@responses.activate
def test_report_sends_dates():
    responses.get(f"{BASE}/device/BTTE1250001/report",
                  match=[responses.matchers.query_param_matcher(
                      {"startDate": "2025-12-02", "endDate": "2025-12-06"})],
                  json={"status": "success", "downloadUrl": "https://bucket.s3.amazonaws.com/x.csv"})
    body = CloudClient(S).report(date(2025, 12, 2), date(2025, 12, 6))
    assert body["downloadUrl"].endswith("x.csv")


@responses.activate
def test_command_body_has_imei_meter_and_outputs():
    responses.post(f"{BASE}/device/BTTE1250001/command", json={"status": "success"})
    CloudClient(S).command({"i3": 1, "i11": 51})
    sent = json.loads(responses.calls[0].request.body)
    assert sent == {"imei": S.device_imei, "meter": "2", "i3": 1, "i11": 51}


@pytest.mark.parametrize("values,problem", [
    ({}, "at least one"), ({"i9": 1}, "not an output"), ({"i1": 2}, "0 or 1"),
    ({"i1": True}, "integer"), ({"i12": -1}, "0..9999"), ({"imei": 1}, "not an output"),
    ({"i1": "1"}, "integer"),
])
def test_only_relays_and_display_values_can_be_sent(values, problem):
    with pytest.raises(ValueError, match=problem):
        validate_command(values)
