"""`python -m gateway_svc`: gunicorn with one gevent worker on XO2_GATEWAY_BIND."""
from __future__ import annotations

from flask import Flask

from devicecloud.settings import load_settings
from service_kit.serve import serve


def _factory() -> Flask:
    # Imported in the worker, after gevent has monkey-patched it, not in the master.
    from .app import create_app
    return create_app()


def main() -> None:
    settings = load_settings()
    settings.check_secrets()      # fail fast, in the master, with a readable message
    serve(_factory, settings.gateway_bind)


if __name__ == "__main__":
    main()
