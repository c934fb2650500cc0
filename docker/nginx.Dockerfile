# Build the React app, then serve it with nginx (config rendered from the template at start).
FROM node:20.19.5-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.28.0-alpine
# HTTPS (SPEC 11): the image's entrypoint runs docker/nginx-tls.sh before nginx starts; it uses
# XO2_TLS_CERT/XO2_TLS_KEY or makes a self-signed pair (openssl) on the tls volume, logs its
# fingerprint and writes the snippets the site includes. 8443 serves HTTPS, 8080 only redirects.
USER root
COPY docker/nginx-tls.sh /docker-entrypoint.d/25-xo2-tls.sh
# curl: the compose healthcheck (HTTPS on 8443).
RUN apk add --no-cache openssl curl \
 && chmod 755 /docker-entrypoint.d/25-xo2-tls.sh \
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
