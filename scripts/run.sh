#!/usr/bin/env bash
# Set up (first time) and run the console locally against the simulator: one command.
#   scripts/run.sh [--port N] [--sim-port N] [--gateway-port N] [--automation-port N] [stack.py flags]
# or the same ports from XO2_PORT, XO2_SIM_PORT, XO2_GATEWAY_PORT, XO2_AUTOMATION_PORT (defaults
# 8080, 8300, 8001, 8002). A busy port is named in one line before anything is installed; the
# setup's output goes to .run/logs/setup.log and is shown only when the setup fails.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
[ -x "$py" ] || py=python3
case " $* " in *" -h "*|*" --help "*) exec "$py" scripts/stack.py --help ;; esac
"$py" scripts/stack.py --check-ports "$@" || exit 1
mkdir -p .run/logs
log=.run/logs/setup.log
echo "Setting up (the first run installs packages; output in $log) ..."
if ! XO2_SETUP_BROWSER=0 bash scripts/setup.sh >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "run.sh: the setup failed (above: the end of $log)." >&2
  exit 1
fi
exec .venv/bin/python scripts/stack.py "$@"
