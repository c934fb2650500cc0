#!/bin/sh
# Runs a command (nginx, or the image's entrypoint that starts it) with everything it writes to
# stdout and stderr passed through a filter that blanks browser-socket tickets, tokens a client
# put in a query (never read, but never logged either) and one-time download ids. nginx's error log cannot be formatted (it names a failed request with its query:
# `request: "GET /api/ws?ticket=..."`), so it is masked here, on the way out: no nginx log line,
# access or error, can hold a ticket or a download id. The command keeps its pid (exec), so
# signals reach it as before. Used by the nginx image and scripts/stack.py.
set -eu
mask='s#([?&](ticket|token|access_token|jwt|password|secret|key)=)[^&" ]*#\1-#g; s#(/api/download/)[^ "?&]*#\1-#g'
dir=$(mktemp -d "${TMPDIR:-/tmp}/xo2-logmask.XXXXXX")
mkfifo "$dir/out" "$dir/err"
# Each filter opens its pipe (once the command opens the other end), then removes its name: the
# last one out removes the folder, so nothing is left in $TMPDIR.
(exec <"$dir/out"; rm -f "$dir/out"; rmdir "$dir" 2>/dev/null || :; exec sed -u -E "$mask") &
(exec <"$dir/err"; rm -f "$dir/err"; rmdir "$dir" 2>/dev/null || :; exec sed -u -E "$mask" >&2) &
exec "$@" >"$dir/out" 2>"$dir/err"
