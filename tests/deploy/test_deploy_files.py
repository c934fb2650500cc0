"""docker-compose.yml, Dockerfiles and .env.example checked without a Docker engine."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from devicecloud.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SETTING_VARS = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
# nginx only (docker/nginx-tls.sh), not settings of the Python services.
COMPOSE_ONLY_VARS = {"XO2_HTTP_PORT", "XO2_HTTPS_PORT", "XO2_TLS_CERT", "XO2_TLS_KEY", "XO2_TLS_HOSTNAMES",
                     # the image builds (build arguments and the CA bundle secret)
                     "XO2_BUILD_CA_BUNDLE", "XO2_PIP_INDEX_URL", "XO2_NPM_REGISTRY", "XO2_DEBIAN_MIRROR",
                     "XO2_PYTHON_IMAGE", "XO2_NODE_IMAGE", "XO2_NGINX_IMAGE"}
HEALTH_ROUTES = {"gateway": "/api/health", "automation": "/api/automation/health", "sim": "/__sim/state"}


def env_example_vars() -> set[str]:
    names = set()
    for line in (ROOT / ".env.example").read_text().splitlines():
        m = re.match(r"^#?\s*(XO2_[A-Z0-9_]+)=", line)
        if m:
            names.add(m.group(1))
    return names


def test_expected_services_and_sim_profile():
    assert {"nginx", "gateway", "automation", "sim"} <= SERVICES.keys()
    assert SERVICES["sim"].get("profiles") == ["sim"]
    for name in ("nginx", "gateway", "automation"):
        assert "profiles" not in SERVICES[name]
    # The cloud URLs default to the simulator, so a .env made from the example starts it
    # (compose reads COMPOSE_PROFILES from .env): the first `docker compose up` is a demo.
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert example["COMPOSE_PROFILES"] == "sim"
    assert "XO2_CLOUD_REST_URL" not in example and "XO2_CLOUD_WS_URL" not in example
    env = SERVICES["gateway"]["environment"]
    assert env["XO2_CLOUD_REST_URL"] == "${XO2_CLOUD_REST_URL:-http://sim:8300}"


@pytest.mark.parametrize("name", ["nginx", "gateway", "automation", "sim"])
def test_build_context_dockerfile_restart_and_healthcheck(name):
    svc = SERVICES[name]
    # The Python image is built once, by the gateway; automation and sim run it, never pull it.
    builder = "nginx" if name == "nginx" else "gateway"
    build = SERVICES[builder]["build"]
    dockerfile = ROOT / build["context"] / build["dockerfile"]
    assert dockerfile.is_file()
    if name != builder:
        assert "build" not in svc and svc["image"] == SERVICES[builder]["image"]
        assert svc["pull_policy"] == "never"
    assert svc["restart"] == "unless-stopped"
    test = svc["healthcheck"]["test"]
    assert test[0] == "CMD"
    if name in HEALTH_ROUTES:
        assert any(HEALTH_ROUTES[name] in part for part in test), test


@pytest.mark.parametrize("name", ["gateway", "automation", "sim"])
def test_python_commands_name_real_modules_and_bind_where_healthchecked(name):
    svc = SERVICES[name]
    cmd = svc["command"]
    assert cmd[:2] == ["python", "-m"]
    module = ROOT / cmd[2].replace(".", "/")
    assert (module / "__main__.py").is_file(), f"{cmd[2]} has no __main__"
    port = re.search(r":(\d+)/", " ".join(svc["healthcheck"]["test"])).group(1)
    assert svc["expose"] == [port]
    if name != "sim":
        bind = svc["environment"][f"XO2_{name.upper()}_BIND"]
        assert bind == f"0.0.0.0:{port}"


def test_nginx_upstreams_match_the_service_ports():
    dockerfile = (ROOT / "docker/nginx.Dockerfile").read_text()
    for name in ("gateway", "automation"):
        port = SERVICES[name]["expose"][0]
        assert f"{name}:{port}" in dockerfile
    assert SERVICES["nginx"]["ports"] == ["${XO2_HTTPS_PORT:-443}:8443", "${XO2_HTTP_PORT:-80}:8080"]
    assert set(SERVICES["nginx"]["depends_on"]) == {"gateway", "automation"}


def test_state_file_lives_on_the_named_volume():
    auto = SERVICES["automation"]
    state = Path(auto["environment"]["XO2_STATE_FILE"])
    mounts = {m.split(":")[1]: m.split(":")[0] for m in auto["volumes"]}
    assert str(state.parent) in mounts
    assert mounts[str(state.parent)] in COMPOSE["volumes"]


def test_every_env_name_is_a_real_setting_and_every_setting_is_documented():
    used = set()
    text = (ROOT / "docker-compose.yml").read_text()
    used |= set(re.findall(r"\b(XO2_[A-Z0-9_]+)\b", text))
    documented = env_example_vars()
    assert used - COMPOSE_ONLY_VARS <= SETTING_VARS, used - SETTING_VARS
    assert documented - COMPOSE_ONLY_VARS <= SETTING_VARS, documented - SETTING_VARS
    assert SETTING_VARS <= documented, f"undocumented settings: {sorted(SETTING_VARS - documented)}"


def test_no_secrets_are_committed():
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.startswith(("XO2_ADMIN_PASSWORD=", "XO2_JWT_SECRET=")):
            assert line.split("=", 1)[1] == ""
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def dockerfile_args(text: str) -> dict[str, str]:
    return dict(re.findall(r"^ARG\s+(\w+)=(\S*)", text, re.M))


@pytest.mark.parametrize("path", ["docker/python.Dockerfile", "docker/nginx.Dockerfile"])
def test_dockerfiles_are_multistage_pinned_and_unprivileged(path):
    text = (ROOT / path).read_text()
    args = dockerfile_args(text)
    bases = [args.get(m.group(1), m.group(0)) if (m := re.fullmatch(r"\$\{(\w+)\}", b)) else b
             for b in re.findall(r"^FROM\s+(\S+)", text, re.M)]
    assert len(bases) >= 2, "multi-stage build expected"
    for base in bases:
        image, _, tag = base.partition(":")
        assert tag and tag != "latest" and re.search(r"\d+\.\d+", tag), f"unpinned base {base}"
    final = text[text.rindex("FROM"):]
    assert re.search(r"^USER\s+(?!root)\S+", final, re.M)
    for src in re.findall(r"^COPY\s+(?!--from)(\S+)", text, re.M):
        assert (ROOT / src).exists(), f"COPY source {src} missing"


def _first_party_imports(package: Path) -> set[str]:
    """Top-level packages of this repo that the modules under `package` import."""
    ours = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}
    found = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found & ours


def test_python_image_copies_every_package_the_services_import():
    text = (ROOT / "docker/python.Dockerfile").read_text()
    copied = {src.strip("/") for src in re.findall(r"^COPY\s+(?!--from)(\S+)", text, re.M)}
    for name in ("gateway", "automation", "sim"):
        package = SERVICES[name]["command"][2].split(".")[0]
        needed = {package} | _first_party_imports(ROOT / package)
        assert needed <= copied, f"{name} imports {sorted(needed - copied)}, not in the image"


@pytest.mark.parametrize("service, path", [("gateway", "docker/python.Dockerfile"), ("nginx", "docker/nginx.Dockerfile")])
def test_compose_build_args_default_to_the_dockerfiles_pins(service, path):
    """Base images and package indexes are build arguments: compose's defaults are the Dockerfile's."""
    args = dockerfile_args((ROOT / path).read_text())
    build = SERVICES[service]["build"]
    assert build["secrets"] == ["ca_bundle"]
    for name, value in build["args"].items():
        default = re.fullmatch(r"\$\{(XO2_\w+):-(.*)\}", value)
        assert default, f"{name}: {value}"
        assert default.group(2) == args[name], f"{name}: compose says {default.group(2)}, the Dockerfile {args[name]}"
        assert f"# {default.group(1)}={args[name]}" in (ROOT / ".env.example").read_text() or not args[name]


def test_ca_bundle_is_an_optional_build_secret():
    secret = COMPOSE["secrets"]["ca_bundle"]["file"]
    fallback = re.fullmatch(r"\$\{XO2_BUILD_CA_BUNDLE:-(.+)\}", secret).group(1)
    assert (ROOT / fallback).is_file() and (ROOT / fallback).stat().st_size == 0
    for path in ("docker/python.Dockerfile", "docker/nginx.Dockerfile"):
        text = (ROOT / path).read_text()
        assert "--mount=type=secret,id=ca_bundle" in text and "/run/secrets/ca_bundle" in text
        assert "COPY" not in "".join(line for line in text.splitlines() if "ca_bundle" in line)


def test_unedited_env_stops_compose_naming_what_to_set():
    for name in ("XO2_ADMIN_PASSWORD", "XO2_JWT_SECRET"):
        for service in ("gateway", "automation"):
            value = SERVICES[service]["environment"][name]
            assert value.startswith(f"${{{name}:?set XO2_ADMIN_PASSWORD (8+ characters) and XO2_JWT_SECRET"), value


def test_nginx_healthcheck_goes_through_to_the_gateway():
    test = SERVICES["nginx"]["healthcheck"]["test"]
    assert "https://127.0.0.1:8443/api/health" in test
