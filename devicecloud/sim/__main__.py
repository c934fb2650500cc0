"""CLI: python -m devicecloud.sim [--host 127.0.0.1] [--port 8300] [...]"""
from __future__ import annotations

import argparse
import os
import signal
import threading
from collections.abc import Sequence
from typing import Any

from .server import SimServer


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m devicecloud.sim",
                                description="XtraO2 device-cloud simulator (REST + WebSocket)")
    p.add_argument("--host", default="127.0.0.1", help="bind address (0.0.0.0 in docker)")
    p.add_argument("--port", type=int, default=8300)
    # Same variable as the services, so compose and the local run agree without a flag.
    p.add_argument("--device-id", default=os.environ.get("XO2_DEVICE_ID", "BTTE1250001"))
    p.add_argument("--period", type=float, default=10.0, help="seconds between live frames")
    p.add_argument("--command-delay", type=float, default=2.0,
                   help="seconds before a command shows in the relays")
    p.add_argument("--latency", type=float, default=0.0, help="seconds added to REST replies")
    p.add_argument("--error-rate", type=float, default=0.0, help="chance (0..1) of a 503")
    p.add_argument("--drop-every", type=int, default=0, help="close sockets after N frames")
    p.add_argument("--s3-bytes-per-s", type=float, default=0.0,
                   help="bandwidth of report CSV downloads, e.g. 1e6 for a plant's 1 MB/s link (0 = unlimited)")
    p.add_argument("--ignore-commands", action="store_true",
                   help="acknowledge commands but never move the relays")
    p.add_argument("--seed", type=int, default=0, help="value generator seed")
    p.add_argument("--quiet", action="store_true", help="do not log each request")
    return p.parse_args(argv)


def _faults(args: argparse.Namespace) -> dict[str, Any]:
    return {"latency_s": args.latency, "error_rate": args.error_rate,
            "drop_every": args.drop_every, "ignore_commands": args.ignore_commands,
            "s3_bytes_per_s": args.s3_bytes_per_s}


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        sim = SimServer(host=args.host, port=args.port, device_id=args.device_id,
                        period=args.period, command_delay=args.command_delay, seed=args.seed,
                        faults=_faults(args), log_requests=not args.quiet)
    except ValueError as exc:
        raise SystemExit(f"devicecloud.sim: {exc}") from None
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    with sim:
        print(f"devicecloud.sim: device {args.device_id}  REST {sim.rest_url}  "
              f"WebSocket {sim.ws_url}  (admin: {sim.rest_url}/__sim/state)", flush=True)
        done.wait()


if __name__ == "__main__":
    main()
