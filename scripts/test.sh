#!/usr/bin/env bash
# Set up (first time) and run every test: web component tests, then pytest (unit, service,
# simulator and end-to-end browser tests through nginx). Artifacts go to e2e-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "==> web component tests (vitest)"
npm --prefix web test --silent
echo "==> pytest"
.venv/bin/python -m pytest "$@"
