# One slim image for gateway_svc, automation_svc and the simulator (different commands).
FROM python:3.11.14-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

FROM python:3.11.14-slim-bookworm
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
