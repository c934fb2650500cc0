"""A real `docker compose` deployment for tests/deploy/test_compose_up.py: an engine of its own
(docker/engine.sh), the project's images built with its Dockerfiles (base images: stand-ins from
docker/standins.sh, or the pinned ones with XO2_DEPLOY_BASE=registry), a compose project of its
own name, and a teardown that leaves nothing behind but the image cache. Each phase's time is
kept for the report."""
from __future__ import annotations

import os
import shlex
import ssl
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from scripts.stack import free_port

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "xo2-deploytest"
# The Dockerfiles' base images (their ARG defaults; compose passes XO2_*_IMAGE over them).
BASE_ARGS = {"PYTHON_IMAGE": "XO2_PYTHON_IMAGE", "NODE_IMAGE": "XO2_NODE_IMAGE", "NGINX_IMAGE": "XO2_NGINX_IMAGE"}


class Failed(AssertionError):
    """A step failed: the message says which, with the tail of its output."""


class Deployment:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.timings: list[tuple[str, float]] = []
        self.docker_env: dict[str, str] = {}
        self.https_port = free_port()
        self.http_port = free_port()
        self.env_file = workdir / "deploy.env"
        self.settings = {
            "XO2_ADMIN_PASSWORD": "deploy-test-password-1",
            "XO2_JWT_SECRET": "deploy-test-" + os.urandom(24).hex(),
            "XO2_DEVICE_ID": "BTTE1250001",
            "COMPOSE_PROFILES": "sim",
            "XO2_HTTPS_PORT": str(self.https_port),
            "XO2_HTTP_PORT": str(self.http_port),
            "XO2_TLS_HOSTNAMES": "localhost,127.0.0.1",
            "XO2_HISTORY_BACKFILL_DAYS": "2",
        }
        # Fix 2 in use: the machine's CA bundle (a proxy inspecting TLS) as the build secret.
        ca = os.environ.get("PIP_CERT") or os.environ.get("SSL_CERT_FILE") or "/etc/ssl/certs/ca-certificates.crt"
        if Path(ca).is_file():
            self.settings["XO2_BUILD_CA_BUNDLE"] = ca
        self.engine_started = False
        self.started = time.monotonic()

    # --- running things ---------------------------------------------------------------------
    @contextmanager
    def phase(self, name: str):
        print(f"deploy: {name} ...", flush=True)
        start = time.monotonic()
        try:
            yield
        finally:
            took = time.monotonic() - start
            self.timings.append((name, took))
            print(f"deploy: {name}: {took:.1f} s", flush=True)

    def run(self, args: list[str], *, timeout: float = 600, check: bool = True,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, **self.docker_env, **(env or {})})
        if check and proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
            raise Failed(f"`{shlex.join(args)}` exited {proc.returncode}:\n{tail}")
        return proc

    def compose(self, *args: str, timeout: float = 600, check: bool = True,
                env_file: Path | None = None) -> subprocess.CompletedProcess:
        return self.run(["docker", "compose", "--project-name", PROJECT, "--project-directory", str(ROOT),
                         "--env-file", str(env_file or self.env_file), *args], timeout=timeout, check=check)

    def compose_started(self, *args: str) -> subprocess.Popen:
        """`docker compose ARGS` started, not awaited (the test acts while it runs)."""
        return subprocess.Popen(["docker", "compose", "--project-name", PROJECT, "--project-directory", str(ROOT),
                                 "--env-file", str(self.env_file), *args], cwd=ROOT, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, **self.docker_env})

    def write_env(self, **changes: str) -> None:
        self.settings.update(changes)
        self.env_file.write_text("".join(f"{k}={v}\n" for k, v in self.settings.items()))

    # --- the steps --------------------------------------------------------------------------
    def start_engine(self) -> None:
        out = self.run(["bash", "docker/engine.sh", "start"], timeout=600).stdout
        self.engine_started = True
        self.docker_env = dict(line.split("=", 1) for line in out.split() if "=" in line)

    def base_images(self) -> dict[str, str]:
        """XO2_*_IMAGE settings selecting the base images: stand-ins built from Debian packages
        (docker/standins.sh), as this kind of machine reaches no image registry; the test never
        tries one. XO2_DEPLOY_BASE=registry builds from the Dockerfiles' pinned images instead."""
        if os.environ.get("XO2_DEPLOY_BASE") == "registry":
            return {}
        out = self.run(["bash", "docker/standins.sh"], timeout=900).stdout
        args = dict(line.split("=", 1) for line in out.split() if "=" in line)
        return {BASE_ARGS[k]: v for k, v in args.items() if k in BASE_ARGS}

    def build(self) -> None:
        """The project's images; a second try when the first fails (a registry hiccup)."""
        try:
            self.compose("--profile", "sim", "build", timeout=900)
        except Failed as exc:
            print(f"deploy: the build failed, trying once more: {str(exc)[-2000:]}", flush=True)
            self.compose("--profile", "sim", "build", timeout=900)

    def logs(self, *services: str) -> str:
        return self.compose("logs", "--no-color", "--no-log-prefix", *services, timeout=60).stdout

    def container_id(self, service: str) -> str:
        return self.compose("ps", "-q", service, timeout=60).stdout.strip()

    def certificate_der(self) -> bytes:
        pem = ssl.get_server_certificate(("127.0.0.1", self.https_port), timeout=10)
        return ssl.PEM_cert_to_DER_cert(pem)

    def down(self) -> None:
        self.compose("--profile", "sim", "down", "--volumes", "--remove-orphans", "--timeout", "10", timeout=300)
        # Images a rebuild replaced (untagged): the kept cache stays the size of one build.
        self.run(["docker", "image", "prune", "--force"], timeout=120)

    def leftovers(self) -> list[str]:
        """The project's containers, volumes and networks still there."""
        label = f"label=com.docker.compose.project={PROJECT}"
        found = []
        for kind in (["ps", "-a"], ["volume", "ls"], ["network", "ls"]):
            found += self.run(["docker", *kind, "-q", "--filter", label], timeout=60).stdout.split()
        return found

    def stop_engine(self) -> None:
        self.run(["bash", "docker/engine.sh", "stop"], timeout=300)
        self.engine_started = False

    def teardown(self) -> None:
        """Everything down, whatever failed before."""
        if not self.engine_started:
            return
        try:
            self.compose("--profile", "sim", "down", "--volumes", "--remove-orphans", "--timeout", "10",
                         timeout=300, check=False)
        finally:
            self.stop_engine()

    def report(self) -> str:
        width = max(len(name) for name, _ in self.timings)
        lines = [f"  {name:<{width}}  {took:6.1f} s" for name, took in self.timings]
        total = time.monotonic() - self.started        # the phases and the checks between them
        return ("deploy test timings:\n" + "\n".join(lines)
                + f"\n  {'total (all of it, start to end)':<{width}}  {total:6.1f} s")
