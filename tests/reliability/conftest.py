"""Shared pieces of the reliability suite: the whole console on loopback (simulator, both
services under gunicorn, nginx) in production mode with short cloud timeouts, clients that
connect from chosen loopback addresses, simulator fault switches, token minting, real service
processes, and the log check "no traceback without a message naming the operation"."""
from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import websocket
from requests.adapters import HTTPAdapter

from scripts.stack import Stack, free_port, wait_http  # noqa: F401 (wait_http: for the tests)
from tests.eventually import eventually
from tests.stack_tools import need_stack_tools

ROOT = Path(__file__).resolve().parents[2]

REAL = "BTTE1250001"
ALIAS = "IOCL_XTRA_O2_ADMIN"
IMEI = "860710081332028"
METER = "2"
# Fresh, strong secrets per run: the stack runs in production mode (XO2_DEV=0).
PASSWORD = "rel-" + secrets.token_urlsafe(12)
JWT_SECRET = "rel-" + secrets.token_urlsafe(40)
RELAYS = [f"i{n}" for n in range(1, 9)]
DISPLAY = [f"i{n}" for n in range(11, 19)]

# Short versions of every timer the fault tests wait on: the mechanisms are the same as with
# the defaults, only faster (a 35 s cloud hang is cut at 1 s instead of 15 s).
STACK_ENV = {
    "XO2_ADMIN_PASSWORD": PASSWORD, "XO2_JWT_SECRET": JWT_SECRET, "XO2_DEV": "0",
    "XO2_DEVICE_ID": REAL, "XO2_DEVICE_ALIAS": ALIAS, "XO2_DEVICE_IMEI": IMEI, "XO2_DEVICE_METER": METER,
    "XO2_HTTP_TIMEOUT_S": "1", "XO2_HTTP_RETRIES": "1", "XO2_HTTP_BACKOFF_S": "0.1",
    "XO2_CACHE_TTL_HOUR_S": "1", "XO2_CACHE_TTL_DAY_S": "1", "XO2_CACHE_TTL_WEEK_S": "1",
    "XO2_FRAME_STALE_S": "3", "XO2_LATE_AFTER_S": "3", "XO2_OFFLINE_AFTER_S": "6",
    "XO2_WS_BACKOFF_MAX_S": "2",
    "XO2_HISTORY_BACKFILL_DAYS": "0",    # fault tests pick past days the store does not hold
    "XO2_COMMAND_TIMEOUT_S": "4", "XO2_MIN_DWELL_S": "0", "XO2_RETRY_BACKOFF_S": "1",
    "XO2_DISPLAY_INTERVAL_S": "1", "XO2_DISPLAY_MAX_AGE_S": "3", "XO2_SENSOR_MAX_AGE_S": "3",
}
SIM_PERIOD = 0.5
SIM_COMMAND_DELAY = 0.5


# -- waiting -----------------------------------------------------------------------------------
def wait_for(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.1,
             what: str = "condition") -> Any:
    """tests.eventually with this suite's polling interval."""
    return eventually(check, timeout, interval, what)


# -- clients from chosen loopback addresses --------------------------------------------------
class _SourceAdapter(HTTPAdapter):
    def __init__(self, source_ip: str) -> None:
        self.source_ip = source_ip
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.source_ip, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(ip: str = "127.0.0.1") -> requests.Session:
    """A requests session whose connections come from `ip` (any 127.x.y.z works on Linux), so
    nginx sees distinct clients."""
    s = requests.Session()
    s.mount("http://", _SourceAdapter(ip))
    return s


# -- tokens ------------------------------------------------------------------------------------
def mint_token(secret: str = JWT_SECRET, *, expires: timedelta | None = None,
               refresh: bool = False, identity: str = "admin") -> str:
    """A token exactly as the services issue it, signed with `secret`."""
    from flask import Flask
    from flask_jwt_extended import JWTManager, create_access_token, create_refresh_token

    app = Flask("mint")
    app.config["JWT_SECRET_KEY"] = secret
    JWTManager(app)
    with app.app_context():
        if refresh:
            return create_refresh_token(identity)
        return create_access_token(identity, expires_delta=expires or timedelta(hours=1),
                                   additional_claims={"device": ALIAS})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# -- the simulator's admin routes --------------------------------------------------------------
def sim_faults(sim_url: str, **faults: Any) -> dict:
    r = requests.post(f"{sim_url}/__sim/faults", json=faults, timeout=5)
    r.raise_for_status()
    return r.json()


def sim_reset(sim_url: str) -> None:
    requests.post(f"{sim_url}/__sim/reset", json={}, timeout=5).raise_for_status()


def sim_state(sim_url: str) -> dict:
    r = requests.get(f"{sim_url}/__sim/state", timeout=5)
    r.raise_for_status()
    return r.json()


# -- logs ----------------------------------------------------------------------------------
# A log record header: the services' "2025-... LEVEL logger: message" or gunicorn's
# "[2025-...] [pid] [LEVEL] message".
_APP_RECORD = re.compile(r"^\d{4}-\d\d-\d\d [\d:,.]+ (WARNING|ERROR|CRITICAL) [\w.]+: (?P<msg>.+)$")
_GUNICORN_RECORD = re.compile(r"^\[[^\]]+\] \[\d+\] \[(WARNING|ERROR|CRITICAL)\] (?P<msg>.+)$")
_CHAINED = ("During handling of the above exception", "The above exception was the direct cause")
_VAGUE = re.compile(r"^(error|exception|failed|traceback|unhandled exception)[.:!]?$", re.I)


def bare_tracebacks(text: str) -> list[str]:
    """Tracebacks not introduced by a WARNING/ERROR record whose message says what was being
    done (e.g. 'unhandled error on GET /api/live', 'frame handler failed'). A chained
    traceback ('During handling of ...') belongs to the one before it."""
    lines = text.splitlines()
    bare = []
    for i, line in enumerate(lines):
        if not line.startswith("Traceback (most recent call last)"):
            continue
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        prev = lines[j] if j >= 0 else ""
        if prev.startswith(_CHAINED):
            continue
        m = _APP_RECORD.match(prev) or _GUNICORN_RECORD.match(prev)
        if not m or len(m.group("msg").strip()) < 8 or _VAGUE.match(m.group("msg").strip()):
            context = "\n".join(lines[max(0, i - 2): i + 12])
            bare.append(context)
    return bare


class LogWatch:
    """Remembers where each service log ended, to check only what a test added."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files
        self.offsets = {name: (p.stat().st_size if p.exists() else 0) for name, p in files.items()}

    def new_text(self, name: str) -> str:
        path = self.files[name]
        if not path.exists():
            return ""
        with path.open("rb") as f:
            f.seek(self.offsets[name])
            return f.read().decode("utf-8", "replace")

    def assert_no_bare_tracebacks(self) -> None:
        for name in self.files:
            text = self.new_text(name)
            assert PASSWORD not in text and JWT_SECRET not in text, f"a secret was logged in {name}.log"
        problems = {name: bare_tracebacks(self.new_text(name)) for name in self.files}
        problems = {k: v for k, v in problems.items() if v}
        assert not problems, "tracebacks without a message naming the operation:\n" + "\n---\n".join(
            f"[{name}]\n{tb}" for name, tbs in problems.items() for tb in tbs)


# -- the whole stack -------------------------------------------------------------------------
class RelStack:
    """The running Stack plus the helpers the tests need."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.url = stack.url
        self.sim_url = stack.sim_url
        self.gateway_url = f"http://127.0.0.1:{stack.gateway_port}"
        self.automation_url = f"http://127.0.0.1:{stack.automation_port}"
        self.logs = {name: stack.run_dir / "logs" / f"{name}.log" for name in ("gateway", "automation")}
        self.http = session_from("127.0.0.1")
        self.token = self.login()

    def login(self, http: requests.Session | None = None) -> str:
        r = (http or self.http).post(f"{self.url}/api/auth/login", json={"deviceId": ALIAS, "password": PASSWORD},
                                     timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["access_token"]

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)

    def get(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 15)
        kw.setdefault("headers", self.auth)
        return self.http.get(f"{self.url}{path}", **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 15)
        kw.setdefault("headers", self.auth)
        return self.http.post(f"{self.url}{path}", **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 15)
        kw.setdefault("headers", self.auth)
        return self.http.put(f"{self.url}{path}", **kw)

    def ws(self, token: str | None = None, timeout: float = 10) -> websocket.WebSocket:
        """A browser socket opened as the page does: a one-time ticket, then /api/ws?ticket=."""
        r = self.post("/api/ws-ticket", headers=bearer(token or self.token))
        assert r.status_code == 200, r.text
        return websocket.create_connection(f"{self.url.replace('http', 'ws', 1)}/api/ws?ticket={r.json()['ticket']}",
                                           timeout=timeout)

    def health(self) -> tuple[dict, dict]:
        return (self.http.get(f"{self.url}/api/health", timeout=10).json(),
                self.http.get(f"{self.url}/api/automation/health", timeout=10).json())

    def both_ok(self) -> bool:
        gw, auto = self.health()
        return gw["status"] == "ok" and auto["status"] == "ok"

    def wait_healthy(self, timeout: float = 30.0) -> float:
        """Seconds until both services say ok (the UI's polling of its pages included)."""
        t0 = time.monotonic()

        def ok() -> bool:
            self.get("/api/graph/hour")        # what an open Analytics page keeps doing
            return self.both_ok()
        wait_for(ok, timeout, 0.25, "both services healthy")
        return time.monotonic() - t0

    def relay(self, rid: str) -> dict:
        r = self.get(f"/api/automation/relays/{rid}")
        assert r.status_code == 200, r.text
        return r.json()

    def faults(self, **faults: Any) -> dict:
        return sim_faults(self.sim_url, **faults)

    def sim(self) -> dict:
        return sim_state(self.sim_url)

    def kill_sim(self) -> None:
        """The cloud goes away: SIGKILL the simulator process (start_sim brings it back)."""
        proc = self.stack.procs["sim"]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)

    def start_sim(self) -> None:
        s = self.stack
        s._spawn("sim", [sys.executable, "-m", "devicecloud.sim", "--port", str(s.sim_port),
                         "--period", str(s.sim_period), *s.sim_args])
        wait_for(lambda: requests.get(f"{self.sim_url}/__sim/state", timeout=1).ok, 20, 0.1,
                 "simulator back up")


@pytest.fixture(scope="session")
def rel_stack(tmp_path_factory) -> Iterator[RelStack]:
    """One console for the suite: production mode, short timeouts, simulator on loopback."""
    need_stack_tools()
    run_dir = tmp_path_factory.mktemp("rel-stack")
    ports = {"sim": free_port(), "gateway": free_port(), "automation": free_port()}
    with Stack(port=free_port(), sim_period=SIM_PERIOD, run_dir=run_dir, env=dict(STACK_ENV), ports=ports,
               sim_args=["--command-delay", str(SIM_COMMAND_DELAY), "--quiet"]) as stack:
        rel = RelStack(stack)
        wait_for(rel.both_ok, 30, 0.2, "stack healthy at start")
        yield rel


@pytest.fixture
def clean_stack(rel_stack: RelStack) -> Iterator[RelStack]:
    """The stack with no faults, healthy, and whose log lines from this test carry context."""
    sim_reset(rel_stack.sim_url)
    rel_stack.wait_healthy(30)
    watch = LogWatch(rel_stack.logs)
    yield rel_stack
    try:
        sim_reset(rel_stack.sim_url)
    except requests.RequestException:
        rel_stack.start_sim()
        sim_reset(rel_stack.sim_url)
    watch.assert_no_bare_tracebacks()


# -- service processes on their own ----------------------------------------------------------
class ServiceProc:
    """`python -m automation_svc` (gunicorn, one gevent worker) in its own process group."""

    def __init__(self, env: dict[str, str], log_path: Path, module: str = "automation_svc") -> None:
        self.port = free_port()
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
                    "XO2_ADMIN_PASSWORD": PASSWORD, "XO2_JWT_SECRET": JWT_SECRET, "XO2_DEV": "0",
                    "XO2_DEVICE_ID": REAL, "XO2_DEVICE_ALIAS": ALIAS,
                    "XO2_AUTOMATION_BIND": f"127.0.0.1:{self.port}",
                    "XO2_GATEWAY_BIND": f"127.0.0.1:{self.port}", **env}
        self.module = module
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.http = requests.Session()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> "ServiceProc":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "-m", self.module], cwd=ROOT, env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        if wait:
            self.wait_up()
        return self

    def wait_up(self, timeout: float = 20.0) -> None:
        def up() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.module} exited with {self.proc.returncode}:\n"
                                     + self.log_path.read_text(errors="replace")[-3000:])
            try:
                return self.http.get(f"{self.url}/api/automation/health", timeout=2).status_code == 200
            except requests.RequestException:
                return False
        wait_for(up, timeout, 0.05, f"{self.module} answering")

    def worker_pid(self) -> int | None:
        """The gunicorn worker (the process that owns the engine and writes the state file)."""
        try:
            kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return None
        return int(kids[0]) if kids else None

    def kill9(self) -> None:
        """SIGKILL the whole process group (master and worker): a power cut for the service."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def get(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 10)
        kw.setdefault("headers", bearer(mint_token()))
        return self.http.get(f"{self.url}{path}", **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 10)
        kw.setdefault("headers", bearer(mint_token()))
        return self.http.put(f"{self.url}{path}", **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 10)
        kw.setdefault("headers", bearer(mint_token()))
        return self.http.post(f"{self.url}{path}", **kw)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Callable[..., ServiceProc]]:
    started: list[ServiceProc] = []

    def make(env: dict[str, str] | None = None, name: str = "automation",
             module: str = "automation_svc") -> ServiceProc:
        svc = ServiceProc(env or {}, tmp_path / f"{name}-{len(started)}.log", module)
        started.append(svc)
        return svc

    yield make
    for svc in started:
        svc.stop()
    problems = {svc.log_path.name: bare_tracebacks(svc.log_path.read_text(errors="replace"))
                for svc in started if svc.log_path.exists()}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, f"tracebacks without a message naming the operation: {problems}"
