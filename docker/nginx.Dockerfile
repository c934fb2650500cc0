# Build the React app, then serve it with nginx (config rendered from the template at start).
# Build arguments (compose passes them from .env, README "Building behind a proxy"):
#   NODE_IMAGE, NGINX_IMAGE  the base images (stand-ins from docker/standins.sh where Docker Hub
#                            is unreachable); nginx on Debian, like the stand-in
#   NPM_REGISTRY             an npm registry or mirror instead of registry.npmjs.org
#   DEBIAN_MIRROR            a Debian mirror instead of the base image's (for openssl)
# Build secret ca_bundle (optional): a PEM bundle npm and apt trust as well, for a proxy that
# inspects TLS or a mirror with a private CA. Never stored in a layer.
ARG NODE_IMAGE=node:20.19.5-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28.0-bookworm

FROM ${NODE_IMAGE} AS web
ARG NPM_REGISTRY=https://registry.npmjs.org/
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN --mount=type=secret,id=ca_bundle \
    if [ -s /run/secrets/ca_bundle ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca_bundle; fi \
 && npm ci --no-audit --no-fund --loglevel=error --registry "$NPM_REGISTRY" --fetch-retries 5
COPY web/ ./
RUN npm run build

FROM ${NGINX_IMAGE}
ARG DEBIAN_MIRROR=
# HTTPS (SPEC 11): the image's entrypoint runs docker/nginx-tls.sh before nginx starts; it uses
# XO2_TLS_CERT/XO2_TLS_KEY or makes a self-signed pair (openssl) on the tls volume, logs its
# fingerprint and writes the snippets the site includes. 8443 serves HTTPS, 8080 only redirects.
USER root
COPY docker/nginx-tls.sh /docker-entrypoint.d/25-xo2-tls.sh
COPY docker/nginx-logmask.sh /usr/local/bin/xo2-logmask
COPY docker/nginx.conf /etc/nginx/nginx.conf
# openssl: the self-signed certificate; curl: the compose healthcheck (HTTPS on 8443).
RUN --mount=type=secret,id=ca_bundle \
    set -e; ca="-o Acquire::Retries=3"; [ -s /run/secrets/ca_bundle ] && ca="$ca -o Acquire::https::CAInfo=/run/secrets/ca_bundle"; \
    if [ -n "$DEBIAN_MIRROR" ]; then \
        rm -f /etc/apt/sources.list.d/debian.sources; \
        echo "deb $DEBIAN_MIRROR bookworm main" > /etc/apt/sources.list; \
    fi; \
    apt-get $ca update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get $ca install -y -qq --no-install-recommends openssl curl >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && chmod 755 /docker-entrypoint.d/25-xo2-tls.sh /usr/local/bin/xo2-logmask \
 && mkdir -p /etc/nginx/tls /etc/nginx/xo2 && chown 101:101 /etc/nginx/tls /etc/nginx/xo2
USER 101
COPY nginx/snippets/ /etc/nginx/snippets/
COPY nginx/templates/ /etc/nginx/templates/
COPY --from=web /web/dist/ /usr/share/nginx/html/
ENV LISTEN_PORT="8443 ssl" WEB_ROOT=/usr/share/nginx/html SNIPPETS=/etc/nginx/snippets \
    GATEWAY_UPSTREAM=gateway:8001 AUTOMATION_UPSTREAM=automation:8002 \
    TLS_CONF=/etc/nginx/xo2/tls.conf REDIRECT_CONF=/etc/nginx/xo2/redirect.conf \
    TLS_STATE_DIR=/etc/nginx/tls TLS_CONF_DIR=/etc/nginx/xo2 HTTP_LISTEN=8080 \
    NGINX_ENVSUBST_FILTER="^(LISTEN_PORT|WEB_ROOT|SNIPPETS|GATEWAY_UPSTREAM|AUTOMATION_UPSTREAM|TLS_CONF|REDIRECT_CONF)$"
EXPOSE 8080 8443
# Everything nginx writes (its error log included) passes through xo2-logmask, which blanks
# socket tickets and one-time download ids: no nginx log line can hold one (issue 21).
ENTRYPOINT ["/usr/local/bin/xo2-logmask", "/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
