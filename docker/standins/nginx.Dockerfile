# Stand-in for nginxinc/nginx-unprivileged:1.28.0-bookworm (docker/standins.sh): Debian
# bookworm's nginx (1.22) laid out as the official unprivileged image is: user nginx (uid 101),
# listens on 8080, pid and temp files in /tmp, logs to stdout/stderr, curl and envsubst, and
# /docker-entrypoint.sh running /docker-entrypoint.d/*.sh (templates rendered by envsubst)
# before `nginx -g 'daemon off;'`.
ARG BASE=xo2-standin/debian:bookworm
FROM ${BASE}
RUN apt-get -o Acquire::Retries=3 update -qq \
 && apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends nginx gettext-base curl ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled /etc/nginx/sites-available /etc/nginx/modules-enabled \
 && groupadd --system --gid 101 nginx \
 && useradd --system --uid 101 --gid 101 --home-dir /nonexistent --shell /usr/sbin/nologin nginx \
 && mkdir -p /etc/nginx/conf.d /etc/nginx/templates /docker-entrypoint.d /var/cache/nginx /var/log/nginx \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log \
 && mkdir -p /usr/share/nginx/html && cp /var/www/html/index.nginx-debian.html /usr/share/nginx/html/index.html
COPY nginx.conf /etc/nginx/nginx.conf
COPY default.conf /etc/nginx/conf.d/default.conf
COPY docker-entrypoint.sh /docker-entrypoint.sh
COPY 20-envsubst-on-templates.sh /docker-entrypoint.d/20-envsubst-on-templates.sh
RUN chmod 755 /docker-entrypoint.sh /docker-entrypoint.d/*.sh \
 && chown -R 101:0 /var/cache/nginx /etc/nginx && chmod -R g+w /var/cache/nginx /etc/nginx
EXPOSE 8080
STOPSIGNAL SIGQUIT
USER 101
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
