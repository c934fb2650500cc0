"""The device-cloud simulator as the benchmarks run it: `python -m devicecloud.sim`, plus
three bench-only hooks that change nothing the console sees on the wire.

    python bench/simrun.py [--emit-log F] [--command-log F] [--report-base URL] -- <sim args>

--emit-log F     one line per live frame: "<frame ts> <wall time the simulator published it>".
                 Frames carry `ts` in whole seconds only; this is the exact emit time (taken
                 just before the frame is handed to the socket loops), on the same machine clock
                 the bench clients read, so delays are measured against it.
--command-log F  one JSON line per accepted command: {"at": wall time it arrived, "body": {...}}
                 (the simulator's own /__sim/state keeps only the last 50).
--report-base U  report download links point at U instead of the simulator (a static nginx
                 serving a pre-generated CSV), so a 90 MB month is served at disk speed rather
                 than at the simulator's Python generation speed (~15 s).
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devicecloud.sim import __main__ as sim_main  # noqa: E402
from devicecloud.sim.hub import Hub  # noqa: E402
from devicecloud.sim.reports import ReportLinks  # noqa: E402
from devicecloud.sim.state import SimState  # noqa: E402


def _appender(path: str):
    f = open(path, "a", buffering=1)   # line-buffered: the bench reads it while we run
    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            f.write(line + "\n")
    return write


def install_hooks(emit_log: str | None, command_log: str | None, report_base: str | None) -> None:
    if emit_log:
        write_emit = _appender(emit_log)
        publish = Hub.publish

        def timed_publish(self, device_id, message):
            at = time.time()
            ts = json.loads(message).get("data", {}).get("ts")
            write_emit(f"{ts} {at:.6f}")
            return publish(self, device_id, message)
        Hub.publish = timed_publish

    if command_log:
        write_cmd = _appender(command_log)
        command = SimState.command

        def logged_command(self, body):
            at = time.time()
            changes = command(self, body)
            write_cmd(json.dumps({"at": at, "body": changes}))
            return changes
        SimState.command = logged_command

    if report_base:
        create = ReportLinks.create

        def static_link(self, job, base_url, now=None):
            return create(self, job, report_base, now)
        ReportLinks.create = static_link


def main() -> None:
    argv = sys.argv[1:]
    sim_argv = argv[argv.index("--") + 1:] if "--" in argv else []
    own = argv[:argv.index("--")] if "--" in argv else argv
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--emit-log")
    p.add_argument("--command-log")
    p.add_argument("--report-base")
    args = p.parse_args(own)
    install_hooks(args.emit_log, args.command_log, args.report_base)
    sim_main.main(sim_argv)


if __name__ == "__main__":
    main()
