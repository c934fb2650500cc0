#!/usr/bin/env bash
# Set up (first time) and run the console locally against the simulator: one command.
set -euo pipefail
cd "$(dirname "$0")/.."
XO2_SETUP_BROWSER=0 bash scripts/setup.sh
exec .venv/bin/python scripts/stack.py "$@"
