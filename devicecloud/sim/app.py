"""Flask app speaking the device cloud's REST + WebSocket API, plus /__sim admin routes."""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any

from flask import Flask, Response, g, request
from flask_sock import Sock

from .generator import rest_shape
from .report_csv import report_csv_chunks
from .hub import serve_socket
from .reports import LinkError, ReportJob, report_range, s3_error_xml
from .state import PERIODS, SimState



def json_response(payload: Any, status: int = 200) -> Response:
    # json.dumps, not jsonify: keeps the cloud's key order and prints floats as 2.0.
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def _error(message: str, status: int) -> Response:
    return json_response({"message": message}, status)


def _rest_kind() -> str:
    """Counter key for a /device/ call, e.g. 'graph/hour', 'report', 'command'."""
    if request.url_rule is None or request.endpoint is None:
        return "unknown"
    if request.endpoint == "graph":
        return f"graph/{(request.view_args or {}).get('period')}"
    return request.endpoint


def _register_faults(app: Flask, state: SimState) -> None:
    """API Gateway-level faults, applied to /device/ calls before the handler runs."""

    @app.before_request
    def gate() -> Response | None:
        if not request.path.startswith("/device/"):
            return None
        state.in_flight.begin()
        g.counted = True
        decision = state.rest_gate(_rest_kind())
        g.malformed = decision.malformed
        if decision.delay_s:
            state.in_flight.hold(decision.delay_s)  # wakes early when the sim stops or is reset
        if decision.fail:
            return _error("Service Unavailable", 503)
        return None

    @app.teardown_request
    def done(_exc: BaseException | None) -> None:
        if g.pop("counted", False):
            state.in_flight.end()

    @app.after_request
    def corrupt(response: Response) -> Response:
        if request.path.startswith("/device/"):
            response.headers["x-amzn-RequestId"] = str(uuid.uuid4())
            if g.get("malformed") and response.status_code == 200:
                body = response.get_data()
                response.set_data(body[: len(body) // 2])
        return response


def _register_device_routes(app: Flask, state: SimState) -> None:
    def for_device(view: Callable[..., Response]) -> Callable[..., Response]:
        @wraps(view)
        def wrapper(device_id: str, **kwargs: Any) -> Response:
            if device_id != state.device_id:
                return _error(f"Device {device_id} not found", 404)
            return view(**kwargs)
        return wrapper

    @app.get("/device/<device_id>/graph/<period>", endpoint="graph")
    @for_device
    def graph(period: str) -> Response:
        if period not in PERIODS:
            return _error(f"Invalid period: {period} (hour, day or week)", 400)
        start, end, frames = state.graph(period)
        return json_response({
            "deviceId": state.device_id, "period": period, "count": len(frames),
            "startTime": start, "endTime": end, "data": [rest_shape(f) for f in frames],
        })

    @app.get("/device/<device_id>/report", endpoint="report")
    @for_device
    def report() -> Response:
        start_date, end_date = request.args.get("startDate"), request.args.get("endDate")
        try:
            start_ts, end_ts = report_range(start_date, end_date, time.time())
        except ValueError as exc:
            return _error(str(exc), 400)
        job = ReportJob(state.device_id, start_ts, end_ts, state.relays, state.seed)
        url = state.reports.create(job, f"{request.scheme}://{request.host}")
        return json_response({
            "status": "success", "deviceId": state.device_id, "startDate": start_date,
            "endDate": end_date, "recordCount": len(job.timestamps()), "downloadUrl": url,
            "expiresIn": state.reports.expires_in(),
        })

    @app.post("/device/<device_id>/command", endpoint="command")
    @for_device
    def command() -> Response:
        try:
            body = json.loads(request.get_data() or b"null")
        except ValueError:
            return _error("body must be valid JSON", 400)
        try:
            state.command(body)
        except ValueError as exc:
            return _error(str(exc), 400)
        return json_response({"status": "success", "message": "Command sent"})


S3_PIECE = 16 * 1024     # the bandwidth limit paces pieces this big


def _metered(chunks: Iterable[bytes], state: SimState, bytes_per_s: float) -> Iterator[bytes]:
    """The CSV as sent: counted, and paced to bytes_per_s when set (a plant's slow link)."""
    t0, sent = time.monotonic(), 0
    for chunk in chunks:
        pieces = [chunk[i:i + S3_PIECE] for i in range(0, len(chunk), S3_PIECE)] if bytes_per_s else [chunk]
        for piece in pieces:
            sent += len(piece)
            state.count_download(len(piece))
            if bytes_per_s:
                wait = t0 + sent / bytes_per_s - time.monotonic()
                if wait > 0 and state.stopping.wait(wait):
                    return
            yield piece


def _register_download(app: Flask, state: SimState) -> None:
    @app.get("/athena-results/<key>.csv")
    def download(key: str) -> Response:
        state.count_call("download")
        try:
            forced = state.faults.report_link_status
            if forced:
                raise LinkError.forced(forced)
            job = state.reports.open(key, request.args)
        except LinkError as exc:
            return Response(s3_error_xml(exc.code, exc.message), exc.status,
                            mimetype="application/xml")
        chunks = report_csv_chunks(job.device_id, job.start_ts, job.end_ts, seed=job.seed,
                                   relays=job.relays)
        return Response(_metered(chunks, state, state.faults.s3_bytes_per_s), mimetype="text/csv")


def _register_admin(app: Flask, state: SimState) -> None:
    def body_object() -> dict[str, Any]:
        body = request.get_json(silent=True, force=True)
        if body is None and not request.get_data():
            return {}
        if not isinstance(body, dict):
            raise ValueError("body must be a JSON object")
        return body

    @app.get("/__sim/state")
    def sim_state() -> Response:
        return json_response(state.snapshot())

    @app.route("/__sim/faults", methods=["GET", "POST"])
    def sim_faults() -> Response:
        if request.method == "POST":
            try:
                state.set_faults(**body_object())
            except ValueError as exc:
                return _error(str(exc), 400)
        return json_response(state.faults.as_dict())

    @app.route("/__sim/values", methods=["GET", "POST"])
    def sim_values() -> Response:
        """Pin sensor values in live frames: {"d9": 80} holds d9 at 80, {"d9": null} releases it."""
        if request.method == "GET":
            return json_response(state.snapshot()["pinned"])
        try:
            return json_response(state.pin(body_object()))
        except ValueError as exc:
            return _error(str(exc), 400)

    @app.post("/__sim/drop")
    def sim_drop() -> Response:
        return json_response({"dropped": state.drop_sockets()})

    @app.post("/__sim/reset")
    def sim_reset() -> Response:
        try:
            relays = body_object().get("relays", False)
        except ValueError as exc:
            return _error(str(exc), 400)
        state.reset(relays=bool(relays))
        return json_response(state.snapshot())


def create_app(state: SimState) -> Flask:
    app = Flask("devicecloud.sim")
    _register_faults(app, state)
    _register_device_routes(app, state)
    _register_download(app, state)
    _register_admin(app, state)

    @Sock(app).route("/production")
    def production(ws: Any) -> None:
        serve_socket(ws, state)

    # API Gateway answers unknown routes and methods this way, not with 404/405.
    @app.errorhandler(404)
    @app.errorhandler(405)
    def no_route(_exc: Exception) -> Response:
        return _error("Missing Authentication Token", 403)

    return app
