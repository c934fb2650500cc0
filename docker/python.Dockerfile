# One slim image for gateway_svc, automation_svc and the simulator (different commands): compose
# builds it once, for the gateway, and the others run the same image.
# Build arguments (compose passes them from .env, README "Building behind a proxy"):
#   PYTHON_IMAGE   the base image (a stand-in from docker/standins.sh where Docker Hub is unreachable)
#   PIP_INDEX_URL  a package index or mirror instead of PyPI
# Build secret ca_bundle (optional): a PEM bundle pip trusts instead of its own, for a proxy that
# inspects TLS or a mirror with a private CA. Never stored in a layer.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG PIP_INDEX_URL=https://pypi.org/simple
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_DEFAULT_TIMEOUT=60
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export PIP_CERT=/run/secrets/ca_bundle; fi \
 && /opt/venv/bin/pip install --retries 5 --index-url "$PIP_INDEX_URL" -r /tmp/requirements.txt

FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin xo2 \
 && mkdir -p /data && chown xo2 /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY devicecloud/ devicecloud/
COPY service_kit/ service_kit/
COPY gateway_svc/ gateway_svc/
COPY automation_svc/ automation_svc/
USER xo2
CMD ["python", "-m", "gateway_svc"]
