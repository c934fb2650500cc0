# Build the React app, then serve it with nginx (config rendered from the template at start).
FROM node:20.19.5-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM nginxinc/nginx-unprivileged:1.28.0-alpine
COPY nginx/snippets/ /etc/nginx/snippets/
COPY nginx/templates/ /etc/nginx/templates/
COPY --from=web /web/dist/ /usr/share/nginx/html/
ENV LISTEN_PORT=8080 WEB_ROOT=/usr/share/nginx/html SNIPPETS=/etc/nginx/snippets \
    GATEWAY_UPSTREAM=gateway:8001 AUTOMATION_UPSTREAM=automation:8002 \
    NGINX_ENVSUBST_FILTER="^(LISTEN_PORT|WEB_ROOT|SNIPPETS|GATEWAY_UPSTREAM|AUTOMATION_UPSTREAM)$"
EXPOSE 8080
