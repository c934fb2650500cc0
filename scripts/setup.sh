#!/usr/bin/env bash
# Idempotent setup for a fresh machine: system packages (nginx, Chromium for the browser
# tests), the Python virtualenv with pinned dependencies, the web app's npm packages and build.
# XO2_SETUP_BENCH=1 also installs what bench/ needs (wrk, bench/requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
if [ "${XO2_SETUP_BROWSER:-1}" = 1 ]; then
  # Fonts explicitly: without recommends, screenshots would have no readable text.
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium fonts-liberation fonts-dejavu-core)
fi
if [ "${XO2_SETUP_BENCH:-0}" = 1 ]; then
  command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  echo "==> installing ${need_apt[*]} from Debian packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3 -m venv .venv
fi
echo "==> installing Python packages"
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
if [ "${XO2_SETUP_BENCH:-0}" = 1 ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
fi

echo "==> installing web packages and building web/dist"
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  npm --prefix web ci --no-audit --no-fund --loglevel=error
fi
npm --prefix web run build --silent >/dev/null
