#!/usr/bin/env bash
# Set up (first time) and run every test: web component tests, the compose deploy test, then
# pytest (unit, service, simulator and end-to-end browser tests through nginx). Artifacts go to
# e2e-artifacts/.
# The compose deploy test (tests/deploy/test_compose_up.py: a Docker engine of its own, the
# images, `docker compose up` checked through nginx over HTTPS, all torn down; minutes long,
# needs root) runs on a full run (no arguments); XO2_DEPLOY_TEST=1 runs it with arguments too,
# XO2_DEPLOY_TEST=0 skips it. It prints each phase's time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> web component tests (vitest)"
started=$SECONDS
npm --prefix web test --silent
echo "==> vitest: $((SECONDS - started)) s"
deploy=${XO2_DEPLOY_TEST:-$([ $# -eq 0 ] && echo 1 || echo 0)}
if [ "$deploy" = 1 ] && [ "$(id -u)" != 0 ]; then
  echo "==> compose deploy test skipped: it needs root (it starts its own Docker engine)"
elif [ "$deploy" = 1 ]; then
  echo "==> compose deploy test (Docker engine, images, docker compose up, checks over HTTPS via nginx)"
  started=$SECONDS
  XO2_DEPLOY_TEST=1 .venv/bin/python -m pytest -s -q -p no:cacheprovider tests/deploy/test_compose_up.py
  echo "==> compose deploy test: $((SECONDS - started)) s in all"
fi
# In parallel (pytest-xdist): a test file stays on one worker; tests/conftest.py hands the long
# stack-level files out first. XO2_TEST_WORKERS=0 runs it in one process.
workers=${XO2_TEST_WORKERS:-4}
echo "==> pytest ($workers workers)"
started=$SECONDS
XO2_DEPLOY_TEST=0 .venv/bin/python -m pytest -n "$workers" --dist loadfile --no-loadscope-reorder "$@"
echo "==> pytest: $((SECONDS - started)) s"
