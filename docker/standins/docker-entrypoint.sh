#!/bin/sh
# The stand-in's entrypoint, as the official image's: before nginx starts, run each executable
# /docker-entrypoint.d/*.sh (sourced when named *.envsh), in name order; then exec the command.
set -e
if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
    for f in $(find /docker-entrypoint.d/ -follow -type f | sort -V); do
        case "$f" in
            *.envsh) [ -x "$f" ] && . "$f" ;;
            *.sh) [ -x "$f" ] && { echo "$0: running $f"; "$f"; } ;;
        esac
    done
    echo "$0: ready for start up"
fi
exec "$@"
