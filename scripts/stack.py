#!/usr/bin/env python3
"""Start the whole console locally without Docker: simulator, gateway_svc, automation_svc, nginx.

Used by the README's run command, the end-to-end tests and the benchmarks:
    python scripts/stack.py [--port 8080] [--sim-port 8300] [--gateway-port 8001]
                            [--automation-port 8002] [--sim-period 10] [--no-sim] [--tls [--http-port N]]
Each port can also be set by XO2_PORT, XO2_SIM_PORT, XO2_GATEWAY_PORT, XO2_AUTOMATION_PORT (the
flag wins). A port already in use is named in one line before anything starts.
Plain HTTP on loopback by default; --tls serves HTTPS as the compose setup does (SPEC 11), with
docker/nginx-tls.sh making the certificate, and plain HTTP on --http-port only redirecting.
or in Python: `with Stack(...) as stack: stack.url`.
"""
from __future__ import annotations

import argparse
import functools
import os
import shutil
import signal
import socket
import ssl
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "xtrao2-local"   # only when XO2_ADMIN_PASSWORD is unset (local demo, XO2_DEV=1)


# Ports for the servers a test or benchmark starts come from below the kernel's ephemeral range
# (where bind(0) and every outgoing connection take theirs), in a block per process: pytest-xdist
# worker N gets block N, any other process a block by its pid; within the block a process starts
# at its pid (a worker's child, e.g. a bench, shares the worker's block, not its sequence). A port
# bind(0) hands out is free only until someone else's bind(0) or connect() takes it, and with
# tests in parallel that happened: a simulator's port went to another worker's SMTP server
# before the simulator bound it.
_PORT_BASE, _PORT_BLOCK = 10_000, 1_000
_port_counter = os.getpid()


@functools.cache
def _port_block() -> int | None:
    """This process's first port, or None when the ephemeral range leaves no room below it."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32_768
    blocks = (low - _PORT_BASE) // _PORT_BLOCK
    if blocks < 2:
        return None
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")        # "gw0", "gw1", ...
    n = int(worker[2:]) if worker[2:].isdigit() else os.getpid()
    return _PORT_BASE + (n % blocks) * _PORT_BLOCK


def free_port() -> int:
    """A loopback port nothing listens on, that no other caller of this in parallel gets."""
    global _port_counter
    first = _port_block()
    if first is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    for _ in range(_PORT_BLOCK):
        port = first + _port_counter % _PORT_BLOCK
        _port_counter += 1
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue                                     # in use (or lingering): the next one
        return port
    raise RuntimeError(f"no free port in {first}-{first + _PORT_BLOCK - 1}")


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (same file docker compose reads)."""
    env: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                env[key.strip()] = value.strip().strip('"').strip("'")
    return env


def render_template(text: str, values: dict[str, str]) -> str:
    """Fill ${NAME} like envsubst does; nginx's own $variables (no braces) are left alone."""
    return re.sub(r"\$\{(\w+)\}", lambda m: values[m.group(1)], text)


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None,
              context: ssl.SSLContext | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as resp:
                if resp.status < 500:
                    return
        except OSError as exc:
            if getattr(exc, "code", 0) and exc.code < 500:  # an HTTP error still means it is up
                return
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


class Stack:
    def __init__(self, *, port: int = 8080, sim: bool = True, sim_period: float = 10.0,
                 run_dir: Path | None = None, env: dict[str, str] | None = None,
                 ports: dict[str, int] | None = None, sim_args: list[str] | None = None,
                 tls: bool = False) -> None:
        self.port = port
        self.tls = tls            # HTTPS on `port`, redirects on `http_port` (SPEC 11)
        self.sim = sim
        self.sim_period = sim_period
        self.sim_args = sim_args or []
        self.run_dir = run_dir or ROOT / ".run"
        ports = ports or {}
        self.sim_port = ports.get("sim", 8300)
        self.gateway_port = ports.get("gateway", 8001)
        self.automation_port = ports.get("automation", 8002)
        self.http_port = ports.get("http") or (free_port() if tls else None)
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {**os.environ, **read_env_file(ROOT / ".env"), **(env or {})}
        self.env.setdefault("XO2_STATE_FILE", str(self.run_dir / "automation_state.json"))
        self.env.setdefault("XO2_HISTORY_DIR", str(self.run_dir / "history"))
        if not self.env.get("XO2_ADMIN_PASSWORD"):
            self.env.update(XO2_ADMIN_PASSWORD=DEMO_PASSWORD, XO2_DEV="1")
        if sim:
            self.env.update(XO2_CLOUD_REST_URL=f"http://127.0.0.1:{self.sim_port}",
                            XO2_CLOUD_WS_URL=f"ws://127.0.0.1:{self.sim_port}/production")
        self.env.update(XO2_GATEWAY_BIND=f"127.0.0.1:{self.gateway_port}",
                        XO2_AUTOMATION_BIND=f"127.0.0.1:{self.automation_port}",
                        XO2_AUTOMATION_URL=f"http://127.0.0.1:{self.automation_port}",
                        XO2_GATEWAY_URL=f"http://127.0.0.1:{self.gateway_port}",
                        PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def http_url(self) -> str | None:
        """The plain-HTTP port that redirects to HTTPS (TLS mode only)."""
        return f"http://127.0.0.1:{self.http_port}" if self.tls else None

    @property
    def tls_cert(self) -> Path:
        """The self-signed certificate nginx-tls.sh made (TLS mode only)."""
        return self.run_dir / "tls" / "selfsigned.crt"

    def tls_context(self) -> ssl.SSLContext | None:
        """A client context that trusts exactly this stack's certificate (None without TLS)."""
        return ssl.create_default_context(cafile=str(self.tls_cert)) if self.tls else None

    @property
    def sim_url(self) -> str:
        return f"http://127.0.0.1:{self.sim_port}"

    @property
    def password(self) -> str:
        return self.env["XO2_ADMIN_PASSWORD"]

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.run_dir / "logs" / f"{name}.log", "ab")
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs[name] = proc
        return proc

    def _nginx_conf(self) -> Path:
        web_root = ROOT / "web" / "dist"
        if not (web_root / "index.html").exists():
            raise RuntimeError("web/dist is missing: run `npm --prefix web ci && npm --prefix web run build`")
        ngx = self.run_dir / "nginx"
        for sub in ("conf", "temp", "logs"):
            (ngx / sub).mkdir(parents=True, exist_ok=True)
        no_tls = str(ROOT / "nginx/snippets/no_tls.conf")
        tls = self._tls_conf(ngx / "conf") if self.tls else {"TLS_CONF": no_tls, "REDIRECT_CONF": no_tls}
        site = render_template((ROOT / "nginx/templates/default.conf.template").read_text(), {
            **tls, "LISTEN_PORT": f"127.0.0.1:{self.port}{' ssl' if self.tls else ''}",
            "WEB_ROOT": str(web_root),
            "GATEWAY_UPSTREAM": f"127.0.0.1:{self.gateway_port}",
            "AUTOMATION_UPSTREAM": f"127.0.0.1:{self.automation_port}",
            "SNIPPETS": str(ROOT / "nginx/snippets")})
        (ngx / "conf/site.conf").write_text(site)
        main = ngx / "conf/nginx.conf"
        temp = ngx / "temp"
        main.write_text(f"""worker_processes 1;
pid {ngx}/nginx.pid;
error_log stderr warn;
worker_rlimit_nofile 8192;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {ngx}/logs/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    sendfile on;
    include {ngx}/conf/site.conf;
}}
""")
        return main

    def _tls_conf(self, conf_dir: Path) -> dict[str, str]:
        """Run the compose image's TLS step (docker/nginx-tls.sh) for this run: certificate in
        run_dir/tls, snippets beside nginx.conf; its log (with the fingerprint) in logs/."""
        env = {**self.env, "TLS_STATE_DIR": str(self.run_dir / "tls"), "TLS_CONF_DIR": str(conf_dir),
               "SNIPPETS": str(ROOT / "nginx/snippets"), "HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
               "XO2_HTTPS_PORT": str(self.port)}
        with open(self.run_dir / "logs" / "nginx-tls.log", "ab") as log:
            subprocess.run(["sh", str(ROOT / "docker/nginx-tls.sh")], env=env, stdout=log,
                           stderr=subprocess.STDOUT, check=True, timeout=60)
        return {"TLS_CONF": str(conf_dir / "tls.conf"), "REDIRECT_CONF": str(conf_dir / "redirect.conf")}

    def spawn_nginx(self) -> subprocess.Popen:
        """nginx in front of whatever listens on the gateway/automation ports (no wait)."""
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        conf = self._nginx_conf()
        # Its logs (error log on stderr) into logs/nginx.log through the image's mask: no
        # ticket or download id in any nginx log line (docker/nginx-logmask.sh).
        return self._spawn("nginx", ["sh", str(ROOT / "docker/nginx-logmask.sh"), nginx, "-c", str(conf),
                                     "-p", str(conf.parent.parent), "-g", "daemon off;"])

    def _start_nginx(self) -> None:
        """spawn_nginx(), then wait until it answers with the gateway behind it."""
        proc = self.spawn_nginx()
        wait_http(f"{self.url}/api/health", 15, proc, self.tls_context())

    def start(self) -> "Stack":
        (self.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        py = sys.executable
        try:
            if self.sim:
                sim = self._spawn("sim", [py, "-m", "devicecloud.sim", "--port", str(self.sim_port),
                                          "--period", str(self.sim_period), *self.sim_args])
                wait_http(f"{self.sim_url}/__sim/state", 20, sim)
            gw = self._spawn("gateway", [py, "-m", "gateway_svc"])
            auto = self._spawn("automation", [py, "-m", "automation_svc"])
            wait_http(f"http://127.0.0.1:{self.gateway_port}/api/health", 30, gw)
            wait_http(f"http://127.0.0.1:{self.automation_port}/api/automation/health", 30, auto)
            self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for name, proc in reversed(list(self.procs.items())):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        self.procs.clear()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# What each port is for: (flag, variable, default, name in messages).
PORTS = {"port": ("--port", "XO2_PORT", 8080, "nginx, the console's address"),
         "sim": ("--sim-port", "XO2_SIM_PORT", 8300, "the simulator"),
         "gateway": ("--gateway-port", "XO2_GATEWAY_PORT", 8001, "gateway_svc"),
         "automation": ("--automation-port", "XO2_AUTOMATION_PORT", 8002, "automation_svc")}


def port_in_use(port: int) -> bool:
    """True when something listens on 127.0.0.1:port (SO_REUSEADDR as the servers set it, so a
    port with only closing connections counts as free)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def busy_port_message(ports: dict[str, int]) -> str | None:
    """One plain line naming the first port in use and what to do, or None when all are free."""
    for key, port in ports.items():
        if key in PORTS and port_in_use(port):
            flag, var, _, what = PORTS[key]
            return (f"Port {port} ({what}) is already in use on 127.0.0.1: stop what uses it "
                    f"(`ss -ltnp 'sport = :{port}'` shows it), or pick another port with {flag} N or {var}=N.")
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for key, (flag, var, default, what) in PORTS.items():
        try:
            value = int(os.environ.get(var) or default)
        except ValueError:
            ap.error(f"{var} must be a port number, not {os.environ[var]!r}")
        ap.add_argument(flag, dest=f"{key}_port", type=int, default=value, metavar="N",
                        help=f"{what} port (default {default}, or {var})")
    ap.add_argument("--sim-period", type=float, default=10.0, help="simulator frame period in s")
    ap.add_argument("--no-sim", action="store_true", help="use the cloud from XO2_CLOUD_* / .env")
    ap.add_argument("--tls", action="store_true",
                    help="serve HTTPS on --port as the compose setup does (self-signed unless XO2_TLS_CERT/KEY)")
    ap.add_argument("--http-port", type=int, help="with --tls: plain HTTP port that redirects (default: any free)")
    ap.add_argument("--check-ports", action="store_true",
                    help="only check that the ports are free (exit 1 naming a busy one); scripts/run.sh runs it first")
    args = ap.parse_args()
    ports = {key: getattr(args, f"{key}_port") for key in PORTS}
    for key, port in ports.items():
        if not 1 <= port <= 65535:
            ap.error(f"{PORTS[key][0]} must be between 1 and 65535, not {port}")
    if args.no_sim:
        del ports["sim"]
    busy = busy_port_message(ports)
    if busy:
        sys.exit(busy)
    if args.check_ports:
        return
    if args.http_port:
        ports["http"] = args.http_port
    stack = Stack(port=ports.pop("port"), sim=not args.no_sim, sim_period=args.sim_period, tls=args.tls,
                  ports=ports)
    try:
        stack.start()
    except (RuntimeError, TimeoutError, OSError, subprocess.SubprocessError) as exc:
        sys.exit(f"The console did not start: {exc}. Its logs: {stack.run_dir / 'logs'}")
    demo = stack.password == DEMO_PASSWORD
    print(f"\nXtraO2 Console is running: {stack.url}\n"
          f"  device id: {stack.env.get('XO2_DEVICE_ALIAS', 'IOCL_XTRA_O2_ADMIN')}\n"
          f"  password:  {stack.password if demo else '(XO2_ADMIN_PASSWORD)'}\n"
          f"  upstream:  {'simulator ' + stack.sim_url if stack.sim else 'the device cloud'}\n"
          f"  logs:      {stack.run_dir / 'logs'}\nPress Ctrl-C to stop.", flush=True)
    if stack.tls:
        print(f"  {stack.http_url} redirects to HTTPS; certificate and its fingerprint:"
              f" {stack.run_dir / 'logs' / 'nginx-tls.log'}", flush=True)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    try:
        while all(p.poll() is None for p in stack.procs.values()):
            time.sleep(1)
        dead = [n for n, p in stack.procs.items() if p.poll() is not None]
        print(f"stopped: {', '.join(dead)} exited; see {stack.run_dir / 'logs'}", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
