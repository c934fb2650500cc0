"""`python -m automation_svc`: gunicorn with one gevent worker on XO2_AUTOMATION_BIND."""
import logging

from devicecloud.settings import load_settings
from service_kit.serve import serve


def _app():
    # Imported in the worker, after gevent has patched sockets and ssl, not in the master.
    from .app import create_app
    return create_app()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    settings.check_secrets()      # fail here, readably, rather than inside the worker
    serve(_app, settings.automation_bind)


if __name__ == "__main__":
    main()
