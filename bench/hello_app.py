"""The hello-world baseline for bench_live: a tiny Flask app under exactly the gateway's
gunicorn config (service_kit.serve: one gevent worker, same worker_connections, same access
log), proxied by nginx rendered from the same site template (scripts/stack.py's code path).

    python bench/hello_app.py --bind 127.0.0.1:PORT
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, jsonify  # noqa: E402

from service_kit.serve import serve  # noqa: E402


def create_app() -> Flask:
    app = Flask("hello")

    @app.get("/api/hello")
    def hello():
        return jsonify(hello="world")

    @app.get("/api/health")
    def health():
        return jsonify(status="ok")

    return app


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--bind", required=True)
    serve(create_app, p.parse_args().bind)


if __name__ == "__main__":
    main()
