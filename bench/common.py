"""Shared helpers for the benchmarks: start what a bench needs on loopback, time things,
percentiles, and print every figure as `name: value (target ...) OK|MISS`.

Every bench script:
    report = Report("fanout")
    with BenchStack("fanout", sim_period=1) as stack:
        ...
        report.figure("p99 delay", 42.0, "ms", "< 100 ms", ok=42.0 < 100)
    sys.exit(report.finish())
finish() also writes bench/out/results/<bench>.json, which run_all.py collects.

Only 127.0.0.1 is ever contacted; every process started here is stopped on exit.
"""
from __future__ import annotations

import gzip
import json
import math
import multiprocessing
import os
import platform
import resource
import shutil
import signal
import sys
import time
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from stack import Stack, free_port, wait_http  # noqa: E402

PASSWORD = "bench-password-123"
ALIAS = "IOCL_XTRA_O2_ADMIN"
DEVICE_ID = "BTTE1250001"        # the simulator's (and settings') default real id
IST = ZoneInfo("Asia/Kolkata")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


# -- figures ---------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[min(k, len(ordered) - 1)]


def median(values: list[float]) -> float:
    """The middle value; the mean of the two middle ones for an even count."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _fmt(value: Any, unit: str) -> str:
    if isinstance(value, float):
        text = f"{value:.3g}" if abs(value) < 10 else f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {unit}".rstrip()


class Report:
    """Collects a bench's figures; finish() prints the verdict and returns the exit code."""

    def __init__(self, bench: str) -> None:
        self.bench = bench
        self.figures: list[dict[str, Any]] = []
        self.started = time.time()
        self.load_at_start = loadavg()
        # A SIGTERM (run_all, timeout, CI) unwinds the `with` blocks, so no server is left behind.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        print(f"== bench {bench} ==", flush=True)

    def figure(self, name: str, value: Any, unit: str, target: str, ok: bool) -> None:
        """A figure with a target: printed as `name: value unit (target ...) OK|MISS`."""
        verdict = "OK" if ok else "MISS"
        self.figures.append({"name": name, "value": value, "unit": unit, "target": target,
                             "ok": bool(ok)})
        print(f"{self.bench} {name}: {_fmt(value, unit)} (target {target}) {verdict}", flush=True)

    def info(self, name: str, value: Any, unit: str = "") -> None:
        """A supporting figure without a target."""
        self.figures.append({"name": name, "value": value, "unit": unit, "target": None, "ok": None})
        print(f"{self.bench} {name}: {_fmt(value, unit)}", flush=True)

    @property
    def missed(self) -> list[str]:
        return [f["name"] for f in self.figures if f["ok"] is False]

    def finish(self) -> int:
        elapsed = time.time() - self.started
        # The 2 cores are shared: what else ran says how much to trust a figure near its target.
        self.info("machine load average (1 min) at start / end",
                  f"{self.load_at_start:.2f} / {loadavg():.2f}", f"on {os.cpu_count()} CPUs")
        (OUT / "results").mkdir(parents=True, exist_ok=True)
        (OUT / "results" / f"{self.bench}.json").write_text(json.dumps(
            {"bench": self.bench, "finished": time.time(), "elapsed_s": round(elapsed, 1),
             "figures": self.figures}, indent=1))
        if self.missed:
            print(f"== {self.bench}: MISS ({', '.join(self.missed)}) in {elapsed:.0f} s ==", flush=True)
            return 1
        print(f"== {self.bench}: all targets met in {elapsed:.0f} s ==", flush=True)
        return 0


def loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


def log(msg: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {msg}", flush=True)


# -- process and machine helpers --------------------------------------------------------------
def raise_nofile(want: int = 65536) -> int:
    """Raise this process's open-file limit (children inherit it); returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def proc_status_kb(pid: int, field: str) -> int:
    """VmRSS / VmHWM ... of a process in kB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = 0
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return {"nproc": str(os.cpu_count()), "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
            "cpu": cpu, "kernel": platform.release(), "python": platform.python_version()}


# -- HTTP ----------------------------------------------------------------------------------
def http(url: str, *, token: str | None = None, method: str = "GET", body: Any = None,
         timeout: float = 30, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request; HTTP errors are returned, not raised."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def get_json(url: str, token: str | None = None, **kw: Any) -> Any:
    status, _, body = http(url, token=token, **kw)
    if status >= 400:
        raise RuntimeError(f"{url} answered {status}: {body[:200]!r}")
    return json.loads(body)


def login(base_url: str, password: str = PASSWORD, path: str = "/api/auth/login") -> str:
    status, _, body = http(base_url + path, method="POST",
                           body={"deviceId": ALIAS, "password": password})
    if status != 200:
        raise RuntimeError(f"login failed: {status} {body[:200]!r}")
    return json.loads(body)["access_token"]


# -- the console on loopback ------------------------------------------------------------------
def _write_static_nginx(run_dir: Path, port: int, csv_file: Path) -> Path:
    """A bare nginx that answers any /athena-results/... link with one pre-generated CSV,
    the way S3 serves a report: from disk, with sendfile."""
    ngx = run_dir / "static-nginx"
    for sub in ("temp", "logs"):
        (ngx / sub).mkdir(parents=True, exist_ok=True)
    conf = ngx / "nginx.conf"
    temp = ngx / "temp"
    conf.write_text(f"""worker_processes 1;
pid {ngx}/nginx.pid;
error_log {ngx}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    sendfile on;
    server {{
        listen 127.0.0.1:{port};
        location /athena-results/ {{
            root {csv_file.parent};
            rewrite ^ /{csv_file.name} break;
            default_type text/csv;
        }}
    }}
}}
""")
    return conf


class BenchStack(Stack):
    """scripts/stack.py's Stack (gateway_svc + automation_svc + nginx, same config as the
    README's local run) with the simulator started through bench/simrun.py, i.e. with the
    emit/command logs and, when report_file is given, report links served by a static nginx.

    All ports are free ports on 127.0.0.1; logs go to bench/out/run/<name>/logs/."""

    def __init__(self, name: str, *, sim_period: float = 10.0, sim_args: list[str] | None = None,
                 env: dict[str, str] | None = None, report_file: Path | None = None,
                 web_root: Path | None = None) -> None:
        run_dir = OUT / "run" / name
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir(parents=True)
        ports = {"sim": free_port(), "gateway": free_port(), "automation": free_port()}
        base_env = {"XO2_ADMIN_PASSWORD": PASSWORD, "XO2_DEV": "1",
                    "XO2_STATE_FILE": str(run_dir / "automation_state.json")}
        super().__init__(port=free_port(), sim=False, sim_period=sim_period, run_dir=run_dir,
                         env={**base_env, **(env or {})}, ports=ports, sim_args=sim_args or [])
        self.env.update(XO2_CLOUD_REST_URL=self.sim_url,
                        XO2_CLOUD_WS_URL=f"ws://127.0.0.1:{self.sim_port}/production")
        self.emit_log = run_dir / "emits.log"
        self.command_log = run_dir / "commands.log"
        self.report_file = report_file
        self.web_root = web_root
        self.static_url: str | None = None

    def _nginx_conf(self) -> Path:
        main = super()._nginx_conf()
        if self.web_root is not None:       # serve another build of the web app (bench_web)
            site = main.parent / "site.conf"
            site.write_text(site.read_text().replace(f"root {ROOT / 'web' / 'dist'};",
                                                     f"root {self.web_root};"))
        return main

    def start(self) -> "BenchStack":
        (self.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        try:
            wrapper = [sys.executable, str(BENCH / "simrun.py"), "--emit-log", str(self.emit_log),
                       "--command-log", str(self.command_log)]
            if self.report_file is not None:
                port = free_port()
                conf = _write_static_nginx(self.run_dir, port, self.report_file)
                ngx = self._spawn("static-nginx", [NGINX, "-c", str(conf), "-p", str(conf.parent),
                                                   "-g", "daemon off;"])
                self.static_url = f"http://127.0.0.1:{port}"
                # Report links now point off the cloud's origin: allow them (SPEC 11).
                self.env["XO2_REPORT_HOSTS"] = "127.0.0.1"
                wait_http(f"{self.static_url}/athena-results/probe.csv", 15, ngx)
                wrapper += ["--report-base", self.static_url]
            sim = self._spawn("sim", [*wrapper, "--", "--port", str(self.sim_port),
                                      "--period", str(self.sim_period), "--quiet", *self.sim_args])
            wait_http(f"{self.sim_url}/__sim/state", 20, sim)
        except BaseException:
            self.stop()
            raise
        super().start()
        return self

    # -- views for the benches ------------------------------------------------------------------
    @property
    def gateway_direct(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def automation_direct(self) -> str:
        return f"http://127.0.0.1:{self.automation_port}"

    def pids(self, name: str) -> tuple[int, list[int]]:
        """(gunicorn master pid, worker pids) of a service."""
        master = self.procs[name].pid
        return master, children(master)

    def sim_state(self) -> dict:
        return get_json(f"{self.sim_url}/__sim/state")

    def sim_reset(self) -> dict:
        return get_json(f"{self.sim_url}/__sim/reset", method="POST", body={})

    def emits(self) -> dict[int, float]:
        """Frame ts -> wall time the simulator published it."""
        out: dict[int, float] = {}
        if self.emit_log.exists():
            for line in self.emit_log.read_text().splitlines():
                parts = line.split()
                if len(parts) == 2 and parts[0] != "None":
                    out[int(float(parts[0]))] = float(parts[1])
        return out

    def commands(self) -> list[dict]:
        if not self.command_log.exists():
            return []
        return [json.loads(line) for line in self.command_log.read_text().splitlines() if line]


class HelloStack(Stack):
    """bench/hello_app.py behind nginx, rendered from the same site template and main config
    as the console's (Stack._nginx_conf with the gateway upstream pointed at the hello app)."""

    def __init__(self) -> None:
        run_dir = OUT / "run" / "hello"
        shutil.rmtree(run_dir, ignore_errors=True)
        run_dir.mkdir(parents=True)
        app_port = free_port()
        super().__init__(port=free_port(), sim=False, run_dir=run_dir,
                         ports={"gateway": app_port, "automation": app_port})

    def start(self) -> "HelloStack":
        (self.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        try:
            app = self._spawn("hello", [sys.executable, str(BENCH / "hello_app.py"),
                                        "--bind", f"127.0.0.1:{self.gateway_port}"])
            wait_http(f"http://127.0.0.1:{self.gateway_port}/api/health", 30, app)
            self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self


# -- the month report CSV -------------------------------------------------------------------
def ist_midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=IST).timestamp())


def _csv_day(args: tuple[int, int]) -> str:
    from devicecloud.sim.report_csv import report_csv_lines
    start_ts, end_ts = args
    lines = report_csv_lines(DEVICE_ID, start_ts, end_ts)
    next(lines)                      # each chunk's header; the file gets one
    return "".join(lines)


def month_csv(days: int = 30, last: date | None = None) -> tuple[Path, date, date, int]:
    """The simulator's Athena CSV for `days` unit-local (IST) days ending `last` (default
    today; days x 8640 rows of 10 s frames: 259,200 for 30 days), generated once per day into
    bench/out/csv/ with the simulator's own generator (devicecloud.sim.generator), in parallel.
    Returns (path, first day, last day, rows)."""
    from devicecloud.sim.report_csv import report_csv_lines
    end = last or datetime.now(IST).date()
    start = end - timedelta(days=days - 1)
    folder = OUT / "csv"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"report-{start.isoformat()}-{end.isoformat()}.csv"
    rows = days * 86400 // 10
    if not path.exists():
        for old in folder.glob("report-*.csv"):
            if old.stat().st_mtime < time.time() - 86400:      # yesterday's
                old.unlink()
        log(f"generating the {days}-day report CSV ({rows:,} rows) into {path.relative_to(ROOT)} ...")
        t0 = time.monotonic()
        spans = [(ist_midnight(start + timedelta(days=k)), ist_midnight(start + timedelta(days=k + 1)) - 1)
                 for k in range(days)]
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", newline="") as f, multiprocessing.get_context("fork").Pool(os.cpu_count() or 2) as pool:
            f.write(next(report_csv_lines(DEVICE_ID, 0, -1)))   # the header line
            for chunk in pool.imap(_csv_day, spans):
                f.write(chunk)
        tmp.replace(path)
        log(f"generated in {time.monotonic() - t0:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
    return path, start, end, rows


def gzip_size(data: bytes, level: int) -> int:
    return len(gzip.compress(data, compresslevel=level, mtime=0))


__all__ = ["ALIAS", "BENCH", "BenchStack", "HelloStack", "IST", "OUT", "PASSWORD", "ROOT", "Report",
           "children", "free_port", "get_json", "gzip_size", "http", "log", "login", "machine",
           "median", "month_csv", "percentile", "proc_status_kb", "raise_nofile"]
